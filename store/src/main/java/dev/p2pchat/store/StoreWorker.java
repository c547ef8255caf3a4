package dev.p2pchat.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes a {@link Database}: tasks queue (bounded; beyond the bound a task fails at once, saying
 * so), the thread commits all that waits in one transaction (at most a batch), then runs each task's callback on
 * the caller's executor (an event loop), in order. So whatever a callback does next (answer a request, send a
 * receipt) happens only once the write is on disk, and the caller never waits for the disk. Reads queue behind the
 * writes before them, so a read sees everything written earlier.
 */
public final class StoreWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreWorker.class);

    private final String location;
    private final Connection connection;
    private final Executor callbacks;
    private final int maxQueued;
    private final int maxBatch;
    private final BlockingQueue<Task> queue;
    private final Thread thread;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final LongAdder refused = new LongAdder();
    private final LongAdder failedWrites = new LongAdder();
    private final LongAdder committed = new LongAdder();
    private final LongAdder transactions = new LongAdder();
    private volatile boolean closed;
    private volatile IdleWork idle;

    /** Work done while no task waits, in small steps, each in a transaction of its own. */
    @FunctionalInterface
    public interface IdleWork {
        /** One step; whether there is more to do. */
        boolean step() throws SQLException;
    }

    /** A unit of work for the store's thread; its outcome is reported on the callbacks' executor. */
    public abstract static class Task {
        /** Does the work, on the store's thread, inside the batch's transaction (a read: after it committed). */
        protected abstract void run() throws SQLException;

        /** Runs on the callbacks' executor once the task's transaction committed (a read: once it ran). */
        protected abstract void done();

        /** Runs on the callbacks' executor when the task could not be carried out. */
        protected abstract void failed(String problem);

        boolean isRead() {
            return false;
        }
    }

    /** A write whose failure goes to one consumer. */
    public abstract static class Write extends Task {
        private final Consumer<String> failure;

        protected Write(Consumer<String> failure) {
            this.failure = failure;
        }

        @Override
        protected void failed(String problem) {
            failure.accept(problem);
        }
    }

    /** A query run on the store's thread. */
    @FunctionalInterface
    public interface Query<T> {
        T run() throws SQLException;
    }

    private static final Task STOP = new Task() {
        @Override
        protected void run() {}

        @Override
        protected void done() {}

        @Override
        protected void failed(String problem) {}
    };

    /**
     * @param maxQueued tasks that may wait; 0 runs each task on the calling thread before {@link #submit} returns
     *     (for tests of pure logic that want every write done at once)
     * @param maxBatch tasks one transaction takes at most, so that callbacks flow while a long burst is written
     */
    public StoreWorker(String location, Connection connection, Executor callbacks, int maxQueued, int maxBatch,
            String threadName) {
        this.location = location;
        this.connection = connection;
        this.callbacks = callbacks;
        this.maxQueued = maxQueued;
        this.maxBatch = maxBatch;
        if (maxQueued > 0) {
            this.queue = new ArrayBlockingQueue<>(maxQueued);
            this.thread = new Thread(this::runTasks, threadName);
            this.thread.setDaemon(true);
            this.thread.start();
        } else {
            this.queue = null;
            this.thread = null;
        }
    }

    /** Sets the work the thread does when no task waits (with the queue: a thread; without, never). */
    public void whenIdle(IdleWork work) {
        this.idle = work;
    }

    /** Where the database is, for messages to the user. */
    public String location() {
        return location;
    }

    /** The connection, for a task's statements that are not cached. */
    public Connection connection() {
        return connection;
    }

    /** A prepared statement for {@code sql}, made once; only for use by a task, on the store's thread. */
    public PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    /** Queues {@code task}; when the queue is full or the store closed, it fails at once. */
    public void submit(Task task) {
        if (closed) {
            task.failed("the store is closed");
            return;
        }
        if (queue == null) {
            runBatch(List.of(task));
        } else if (!queue.offer(task)) {
            refused.increment();
            task.failed(maxQueued + " writes are waiting for the disk already");
        }
    }

    /** Runs {@code query} on the store's thread after the writes queued before it; its future completes there. */
    public <T> CompletableFuture<T> read(Query<T> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(new Task() {
            T value;

            @Override
            protected void run() throws SQLException {
                value = query.run();
            }

            @Override
            protected void done() {
                result.complete(value);
            }

            @Override
            protected void failed(String problem) {
                result.completeExceptionally(new StoreException("could not read " + location + ": " + problem));
            }

            @Override
            boolean isRead() {
                return true;
            }
        });
        return result;
    }

    /** Runs {@code query} on the calling thread: only at start, before any task is queued. */
    public <T> T startRead(Query<T> query) throws StoreException {
        synchronized (connection) {
            try {
                return query.run();
            } catch (SQLException e) {
                throw new StoreException("could not read " + location + ": " + Database.problem(e), e);
            }
        }
    }

    /** Tasks refused because the queue was full. */
    public long refused() {
        return refused.sum();
    }

    /** Writes that failed (the disk full, the file read-only). */
    public long failedWrites() {
        return failedWrites.sum();
    }

    /** Tasks carried out, and the transactions they took: their ratio is the batching. */
    public long completedTasks() {
        return committed.sum();
    }

    public long transactions() {
        return transactions.sum();
    }

    /** Tasks waiting for the store's thread. */
    public int queued() {
        return queue == null ? 0 : queue.size();
    }

    /** Finishes what is queued, then closes the database. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (thread != null) {
            try {
                queue.put(STOP);
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Database.close(connection);
    }

    private void runTasks() {
        List<Task> batch = new ArrayList<>();
        boolean stopping = false;
        boolean idleWorkLeft = true;
        while (!stopping) {
            try {
                Task next = idleWorkLeft && idle != null ? queue.poll() : queue.take();
                if (next == null) {
                    idleWorkLeft = idleStep();
                    continue;
                }
                batch.add(next);
            } catch (InterruptedException e) {
                return;
            }
            idleWorkLeft = true;
            queue.drainTo(batch, maxBatch - 1);
            stopping = batch.remove(STOP);
            runBatch(batch);
            batch.clear();
        }
        // What arrived after the stop (a race with close) is refused, not left unanswered.
        List<Task> late = new ArrayList<>();
        queue.drainTo(late);
        late.forEach(task -> callbacks.execute(() -> task.failed("the store is closed")));
    }

    /** One step of the idle work in a transaction of its own; whether there is more. */
    private boolean idleStep() {
        synchronized (connection) {
            try {
                statement("BEGIN IMMEDIATE").execute();
                boolean more = idle.step();
                statement("COMMIT").execute();
                return more;
            } catch (SQLException e) {
                Database.rollback(connection);
                log.warn("could not do the idle work on {}: {}", location, Database.problem(e));
                return false; // tried again after the next task
            }
        }
    }

    /** Runs the writes in one transaction, committing before each read so that the read sees them. */
    private void runBatch(List<Task> batch) {
        synchronized (connection) {
            List<Task> writes = new ArrayList<>();
            for (Task task : batch) {
                if (task.isRead()) {
                    commit(writes);
                    writes = new ArrayList<>();
                    try {
                        task.run();
                        finish(List.of(task));
                    } catch (SQLException e) {
                        String problem = Database.problem(e);
                        callbacks.execute(() -> task.failed(problem));
                    }
                } else {
                    writes.add(task);
                }
            }
            commit(writes);
        }
    }

    private void commit(List<Task> writes) {
        if (writes.isEmpty()) {
            return;
        }
        try {
            statement("BEGIN IMMEDIATE").execute();
            for (Task write : writes) {
                write.run();
            }
            statement("COMMIT").execute();
            transactions.increment();
            finish(writes);
        } catch (SQLException e) {
            Database.rollback(connection);
            String problem = Database.problem(e);
            failedWrites.add(writes.size());
            log.warn("could not write {} changes to {}: {}", writes.size(), location, problem);
            callbacks.execute(() -> writes.forEach(write -> write.failed(problem)));
        }
    }

    private void finish(List<Task> tasks) {
        committed.add(tasks.size());
        callbacks.execute(() -> tasks.forEach(Task::done));
    }
}
