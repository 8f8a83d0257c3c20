package lab.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which operating system the user-data is written for. */
public enum Profile {
    /** Flatcar Container Linux: etcd through etcd-member.service with ETCD_* variables; no fleet. */
    FLATCAR("flatcar-stable",
            "https://stable.release.flatcar-linux.net/amd64-usr/current/flatcar_production_vagrant.json",
            "/var/lib/flatcar-vagrant/vagrantfile-user-data"),
    /**
     * Classic CoreOS Container Linux: coreos.etcd2 and coreos.fleet cloud-config. No box URL: CoreOS's release
     * servers deleted every image in 2020 (the old coreos_production_vagrant.json is gone), so only a box the user
     * already has can serve, added with {@code vagrant box add coreos-stable FILE.box}; `lab doctor` checks for it.
     */
    COREOS("coreos-stable", null, "/var/lib/coreos-vagrant/vagrantfile-user-data");

    private final String box;
    private final String boxUrl;
    private final String userDataPath;

    Profile(String box, String boxUrl, String userDataPath) {
        this.box = box;
        this.boxUrl = boxUrl;
        this.userDataPath = userDataPath;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String defaultBox() {
        return box;
    }

    /** Where Vagrant downloads the box from; null where no published box exists any more (classic CoreOS). */
    public String defaultBoxUrl() {
        return boxUrl;
    }

    /** Where the box's OEM cloud-config looks for the Vagrant-provided user-data. */
    public String userDataPath() {
        return userDataPath;
    }

    public static Optional<Profile> parse(String s) {
        return Arrays.stream(values()).filter(p -> p.id().equals(s)).findFirst();
    }
}
