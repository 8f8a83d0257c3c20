package lab.cloudconfig;

import static lab.cloudconfig.Field.leaf;
import static lab.cloudconfig.Field.slice;
import static lab.cloudconfig.Field.struct;

import java.util.ArrayList;
import java.util.List;

/**
 * coreos-cloudinit's CloudConfig structure (config/*.go), restated as data: key names after '-' became '_', Go
 * kinds, valid-value patterns and deprecation notes. Source and field list: src/test/resources/conformance/cloudinit/keys.md.
 */
final class Schema {
    private static final String ETCD2_FOR_ETCD = "etcd2 options no longer work for etcd";
    private static final String REMOTE_KEYS = "trying to fetch from a remote endpoint introduces too many intermittent "
            + "errors";

    private Schema() {
    }

    static Field cloudConfig(Version v) {
        Field etcd = struct("etcd", etcd());
        Field etcd2 = struct("etcd2", strings("advertise_client_urls", "ca_file", "cert_file", "cors", "data_dir",
                "discovery", "discovery_fallback", "discovery_srv", "discovery_proxy", "initial_advertise_peer_urls",
                "initial_cluster", "initial_cluster_state", "initial_cluster_token", "key_file", "listen_client_urls",
                "listen_peer_urls", "log_package_levels", "name", "peer_ca_file", "peer_cert_file", "peer_key_file",
                "peer_trusted_ca_file", "proxy", "trusted_ca_file", "wal_dir"));
        etcd2 = withExtra(etcd2, List.of(leaf("client_cert_auth", Kind.BOOL), leaf("debug", Kind.BOOL),
                leaf("election_timeout", Kind.INT), leaf("enable_pprof", Kind.BOOL),
                leaf("force_new_cluster", Kind.BOOL), leaf("heartbeat_interval", Kind.INT),
                leaf("max_snapshots", Kind.INT), leaf("max_wals", Kind.INT), leaf("peer_client_cert_auth", Kind.BOOL),
                leaf("proxy_dial_timeout", Kind.INT), leaf("proxy_failure_wait", Kind.INT),
                leaf("proxy_read_timeout", Kind.INT), leaf("proxy_refresh_interval", Kind.INT),
                leaf("proxy_write_timeout", Kind.INT), leaf("snapshot_count", Kind.INT),
                leaf("strict_reconfig_check", Kind.BOOL)), "proxy", "^(on|off|readonly)$");
        Field fleet = struct("fleet", List.of(leaf("agent_ttl", Kind.STRING), leaf("authorized_keys_file", Kind.STRING),
                leaf("disable_engine", Kind.BOOL), leaf("engine_reconcile_interval", Kind.FLOAT64),
                leaf("etcd_cafile", Kind.STRING), leaf("etcd_certfile", Kind.STRING), leaf("etcd_keyfile", Kind.STRING),
                leaf("etcd_key_prefix", Kind.STRING), leaf("etcd_request_timeout", Kind.FLOAT64),
                leaf("etcd_servers", Kind.STRING), leaf("etcd_username", Kind.STRING),
                leaf("etcd_password", Kind.STRING), leaf("metadata", Kind.STRING), leaf("public_ip", Kind.STRING),
                leaf("token_limit", Kind.INT), leaf("verbosity", Kind.INT), leaf("verify_units", Kind.BOOL)));
        if (v != Version.V1_13) {
            etcd = etcd.deprecated("etcd is no longer shipped in Container Linux");
            etcd2 = etcd2.deprecated("etcd2 is no longer shipped in Container Linux");
            fleet = fleet.deprecated("fleet is no longer shipped in Container Linux");
        }
        Field flannel = struct("flannel", strings("etcd_endpoints", "etcd_cafile", "etcd_certfile", "etcd_keyfile",
                "etcd_prefix", "etcd_username", "etcd_password", "ip_masq", "subnet_file", "interface", "public_ip"));
        Field locksmith = struct("locksmith", List.of(leaf("endpoint", Kind.STRING), leaf("etcd_cafile", Kind.STRING),
                leaf("etcd_certfile", Kind.STRING), leaf("etcd_keyfile", Kind.STRING),
                leaf("etcd_username", Kind.STRING), leaf("etcd_password", Kind.STRING), leaf("group", Kind.STRING),
                leaf("window_start", Kind.STRING).valid("^((?i:sun|mon|tue|wed|thu|fri|sat|sun) )?0*([0-9]|1[0-9]|2[0-3])"
                        + ":0*([0-9]|[1-5][0-9])$"),
                leaf("window_length", Kind.STRING).valid("^[-+]?([0-9]*(\\.[0-9]*)?[a-z]+)+$")));
        Field oem = struct("oem", strings("id", "name", "version_id", "home_url", "bug_report_url"));
        Field update = struct("update", List.of(leaf("reboot_strategy", Kind.STRING).valid(v == Version.V1_13
                        ? "^(best-effort|etcd-lock|reboot|off)$" : "^(etcd-lock|reboot|off)$"),
                leaf("group", Kind.STRING), leaf("server", Kind.STRING)));
        Field unit = struct("", List.of(leaf("name", Kind.STRING), leaf("mask", Kind.BOOL), leaf("enable", Kind.BOOL),
                leaf("runtime", Kind.BOOL), leaf("content", Kind.STRING), leaf("command", Kind.STRING)
                        .valid("^(start|stop|restart|reload|try-restart|reload-or-restart|reload-or-try-restart)$"),
                slice("drop_ins", struct("", strings("name", "content")))));
        Field coreos = struct("coreos", List.of(etcd, etcd2, flannel, fleet, locksmith, oem, update,
                slice("units", unit)));
        Field file = struct("", List.of(leaf("encoding", Kind.STRING)
                        .valid("^(base64|b64|gz|gzip|gz\\+base64|gzip\\+base64|gz\\+b64|gzip\\+b64)$"),
                leaf("content", Kind.STRING), leaf("owner", Kind.STRING), leaf("path", Kind.STRING),
                leaf("permissions", Kind.STRING).valid("^0?[0-7]{3,4}$")));
        Field user = struct("", List.of(leaf("name", Kind.STRING), leaf("passwd", Kind.STRING),
                slice("ssh_authorized_keys", leaf("", Kind.STRING)),
                leaf("coreos_ssh_import_github", Kind.STRING).deprecated(REMOTE_KEYS),
                slice("coreos_ssh_import_github_users", leaf("", Kind.STRING)).deprecated(REMOTE_KEYS),
                leaf("coreos_ssh_import_url", Kind.STRING).deprecated(REMOTE_KEYS), leaf("gecos", Kind.STRING),
                leaf("homedir", Kind.STRING), leaf("no_create_home", Kind.BOOL), leaf("primary_group", Kind.STRING),
                slice("groups", leaf("", Kind.STRING)), leaf("no_user_group", Kind.BOOL), leaf("system", Kind.BOOL),
                leaf("no_log_init", Kind.BOOL), leaf("shell", Kind.STRING)));
        return struct("", List.of(slice("ssh_authorized_keys", leaf("", Kind.STRING)), coreos,
                slice("write_files", file), leaf("hostname", Kind.STRING), slice("users", user),
                leaf("manage_etc_hosts", Kind.STRING)));
    }

    /** coreos.etcd: etcd 0.4's options, with the etcd2 option names marked as not working there. */
    private static List<Field> etcd() {
        List<Field> f = new ArrayList<>(strings("addr", "bind_addr", "ca_file", "cert_file", "cors", "data_dir",
                "discovery", "graphite_host", "key_file", "name", "peer_addr", "peer_bind_addr", "peer_ca_file",
                "peer_cert_file", "peer_key_file", "peers", "peers_file", "trace"));
        for (String k : List.of("advertise_client_urls", "discovery_fallback", "discovery_srv", "discovery_proxy",
                "initial_advertise_peer_urls", "initial_cluster", "initial_cluster_state", "initial_cluster_token",
                "listen_client_urls", "listen_peer_urls", "proxy")) {
            f.add(leaf(k, Kind.STRING).deprecated(ETCD2_FOR_ETCD));
        }
        for (String k : List.of("election_timeout", "heartbeat_interval", "max_snapshots", "max_wals")) {
            f.add(leaf(k, Kind.INT).deprecated(ETCD2_FOR_ETCD));
        }
        f.add(leaf("force_new_cluster", Kind.BOOL).deprecated(ETCD2_FOR_ETCD));
        for (String k : List.of("cluster_active_size", "max_result_buffer", "max_retry_attempts",
                "peer_election_timeout", "peer_heartbeat_interval", "snapshot_count")) {
            f.add(leaf(k, Kind.INT));
        }
        for (String k : List.of("cluster_remove_delay", "cluster_sync_interval", "http_read_timeout",
                "http_write_timeout", "retry_interval")) {
            f.add(leaf(k, Kind.FLOAT64));
        }
        for (String k : List.of("snapshot", "verbose", "very_verbose", "very_very_verbose")) {
            f.add(leaf(k, Kind.BOOL));
        }
        return f;
    }

    private static List<Field> strings(String... names) {
        return java.util.Arrays.stream(names).map(n -> leaf(n, Kind.STRING)).toList();
    }

    private static Field withExtra(Field s, List<Field> extra, String validKey, String regex) {
        List<Field> all = new ArrayList<>();
        for (Field f : s.fields()) {
            all.add(f.name().equals(validKey) ? f.valid(regex) : f);
        }
        all.addAll(extra);
        return struct(s.name(), all);
    }
}
