package lab.provider.vagrant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import lab.spec.Subnet;
import org.junit.jupiter.api.Test;

/** VirtualBox 6.1.28+'s host-only ranges: 192.168.56.0/21 unless /etc/vbox/networks.conf says otherwise. */
class VirtualBoxNetworksTest {
    static Subnet net(String cidr) {
        return Subnet.parse(cidr).orElseThrow();
    }

    @Test
    void withoutNetworksConfOnly192_168_56_0_21IsAllowed() {
        assertEquals(Optional.empty(), VirtualBoxNetworks.refusal(net("192.168.56.0/24"), "7.0.14r161095",
                Optional.empty()));
        assertEquals(Optional.empty(), VirtualBoxNetworks.refusal(net("192.168.60.0/24"), "7.0.14", Optional.empty()));
        String why = VirtualBoxNetworks.refusal(net("172.17.8.0/24"), "7.0.14r161095", Optional.empty()).orElseThrow();
        assertTrue(why.startsWith("VirtualBox 7.0.14r161095 allows host-only networks only in 192.168.56.0/21 unless "
                + "/etc/vbox/networks.conf lists more, not 172.17.8.0/24: add the line \"* 172.17.8.0/24\""), why);
    }

    @Test
    void networksConfListsTheRangesOnStarLines() {
        Optional<String> conf = Optional.of("# lab\n* 10.0.0.0/8 172.16.0.0/12\n* 2001::/64\n");
        assertEquals(Optional.empty(), VirtualBoxNetworks.refusal(net("172.17.8.0/24"), "6.1.30", conf));
        assertTrue(VirtualBoxNetworks.refusal(net("192.168.56.0/24"), "6.1.30", conf).isPresent(),
                "once the file lists ranges, those are the ranges");
        assertTrue(VirtualBoxNetworks.refusal(net("172.17.0.0/8"), "6.1.30", Optional.of("* 172.17.8.0/24\n"))
                .isPresent(), "a wider subnet than the allowed range is refused");
    }

    @Test
    void olderVirtualBoxAllowsAnythingAndAnUnknownOneCountsAsCurrent() {
        assertEquals(Optional.empty(), VirtualBoxNetworks.refusal(net("172.17.8.0/24"), "6.1.26r145957",
                Optional.empty()));
        assertTrue(VirtualBoxNetworks.refusal(net("172.17.8.0/24"), "6.1.28r147628", Optional.empty()).isPresent());
        assertTrue(VirtualBoxNetworks.refusal(net("172.17.8.0/24"), null, Optional.empty()).orElseThrow()
                .startsWith("VirtualBox 6.1.28 and later allow host-only networks"));
    }
}
