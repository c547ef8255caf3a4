package dev.p2pchat.peer.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.PrivateAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalAddressesTest {
    private static final InetSocketAddress ANY_V6 = new InetSocketAddress(address("::"), 4000);
    private static final InetSocketAddress ANY_V4 = new InetSocketAddress(address("0.0.0.0"), 4000);

    @Test
    void shouldAnnounceOnlyPrivateAddressesWithTheSocketsPortIpv4First() {
        List<InetAddress> found = addresses("fd00::7", "8.8.8.8", "10.1.0.2", "127.0.0.1", "fe80::1", "192.168.1.9",
                "2001:db8::1", "100.64.0.5");

        assertThat(LocalAddresses.choose(found, ANY_V6)).containsExactly(
                new InetSocketAddress(address("10.1.0.2"), 4000),
                new InetSocketAddress(address("192.168.1.9"), 4000),
                new InetSocketAddress(address("100.64.0.5"), 4000),
                new InetSocketAddress(address("fd00::7"), 4000));
    }

    @Test
    void shouldLeaveIpv6OutOfAnIpv4SocketAndStopAtFour() {
        List<InetAddress> found = addresses("fd00::7", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5",
                "10.0.0.1");

        assertThat(LocalAddresses.choose(found, ANY_V4)).extracting(InetSocketAddress::getHostString)
                .containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4");
    }

    @Test
    void shouldAnnounceASocketBoundToOneAddressOnlyIfThatIsPrivate() {
        InetSocketAddress lan = new InetSocketAddress(address("192.168.7.7"), 5000);
        assertThat(LocalAddresses.of(lan)).containsExactly(lan);
        assertThat(LocalAddresses.of(new InetSocketAddress(address("127.0.0.1"), 5000))).isEmpty();
    }

    @Test
    void shouldReadTheHostsInterfacesForAWildcardSocket() {
        List<InetSocketAddress> announced = LocalAddresses.of(ANY_V6);

        assertThat(announced).hasSizeLessThanOrEqualTo(4).allSatisfy(candidate -> {
            assertThat(PrivateAddresses.isPrivate(candidate.getAddress())).as(candidate.toString()).isTrue();
            assertThat(candidate.getPort()).isEqualTo(4000);
        });
    }

    private static List<InetAddress> addresses(String... literals) {
        List<InetAddress> all = new ArrayList<>();
        for (String literal : literals) {
            all.add(address(literal));
        }
        return all;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
