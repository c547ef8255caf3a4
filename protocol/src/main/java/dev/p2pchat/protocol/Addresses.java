package dev.p2pchat.protocol;

import java.net.InetSocketAddress;
import java.util.List;

/** Checks that socket addresses can be carried in an {@code address} field. */
public final class Addresses {
    private Addresses() {}

    public static InetSocketAddress requireEncodable(InetSocketAddress address, String field) {
        if (address == null) {
            throw new NullPointerException(field);
        }
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(field + " must be a resolved address: " + address);
        }
        if (address.getPort() == 0) {
            throw new IllegalArgumentException(field + " must have a port: " + address);
        }
        return address;
    }

    public static List<InetSocketAddress> requireEncodableList(List<InetSocketAddress> addresses) {
        if (addresses.size() > Wire.MAX_PRIVATE_ADDRESSES) {
            throw new IllegalArgumentException("at most " + Wire.MAX_PRIVATE_ADDRESSES + " private addresses");
        }
        for (InetSocketAddress address : addresses) {
            requireEncodable(address, "privateAddresses");
        }
        return List.copyOf(addresses);
    }
}
