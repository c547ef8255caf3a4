package dev.p2pchat.peer.identity;

import dev.p2pchat.protocol.KeyFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a data directory to one running peer. Two peers with one identity would take the registration from each
 * other at the tracker and write over each other's contacts, so the second one is refused at start. The operating
 * system drops the lock when the process dies, so a crash never leaves the directory locked.
 */
public final class DataDirectoryLock implements AutoCloseable {
    static final String FILE_NAME = "lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the directory if needed and locks it, or fails saying that another peer uses it. */
    public static DataDirectoryLock acquire(Path directory) throws IOException {
        KeyFile.createPrivateDirectories(directory);
        FileChannel channel = FileChannel.open(directory.resolve(FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("the data directory " + directory + " is in use by another running peer");
        }
        return new DataDirectoryLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
