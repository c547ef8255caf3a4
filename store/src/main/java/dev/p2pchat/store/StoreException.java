package dev.p2pchat.store;

import java.io.IOException;

/** The data directory's database could not be opened or written; the message says why, in words for the user. */
public final class StoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
