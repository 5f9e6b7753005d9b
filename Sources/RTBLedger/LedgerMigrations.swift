/// Schema changes as named migrations, applied in order and never edited once released.
/// A ledger lists the ones applied to it in `migrations`; one this build does not know means the
/// file comes from a newer format.
enum LedgerMigrations {
    static let all: [(name: String, sql: String)] = [
        (
            "0001-ledger-tables",
            """
            CREATE TABLE header (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                format_version INTEGER NOT NULL,
                header_bytes BLOB NOT NULL,
                genesis_hash BLOB NOT NULL CHECK (length(genesis_hash) = 32)
            );
            CREATE TABLE frames (
                frame_index INTEGER PRIMARY KEY,
                first_sequence INTEGER NOT NULL,
                event_count INTEGER NOT NULL,
                raw_size INTEGER NOT NULL,
                prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
                hash BLOB NOT NULL CHECK (length(hash) = 32),
                codec INTEGER NOT NULL,
                payload BLOB NOT NULL
            );
            CREATE TABLE checkpoints (
                frame_count INTEGER PRIMARY KEY,
                next_sequence INTEGER NOT NULL,
                frame_hash BLOB NOT NULL CHECK (length(frame_hash) = 32),
                state_size INTEGER NOT NULL,
                state_digest BLOB NOT NULL CHECK (length(state_digest) = 32),
                codec INTEGER NOT NULL,
                payload BLOB NOT NULL
            );
            CREATE TABLE head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                frame_count INTEGER NOT NULL,
                event_count INTEGER NOT NULL,
                head_hash BLOB NOT NULL CHECK (length(head_hash) = 32),
                finished INTEGER NOT NULL,
                market_digest BLOB
            );
            """
        ),
        (
            "0002-append-only",
            """
            CREATE TRIGGER header_no_update BEFORE UPDATE ON header
                BEGIN SELECT RAISE(ABORT, 'ledger is append-only: header cannot change'); END;
            CREATE TRIGGER header_no_delete BEFORE DELETE ON header
                BEGIN SELECT RAISE(ABORT, 'ledger is append-only: header cannot be deleted'); END;
            CREATE TRIGGER frames_no_update BEFORE UPDATE ON frames
                BEGIN SELECT RAISE(ABORT, 'ledger is append-only: frames cannot change'); END;
            CREATE TRIGGER frames_no_delete BEFORE DELETE ON frames
                BEGIN SELECT RAISE(ABORT, 'ledger is append-only: frames cannot be deleted'); END;
            CREATE TRIGGER frames_contiguous BEFORE INSERT ON frames
                WHEN NEW.frame_index != coalesce((SELECT max(frame_index) FROM frames) + 1, 0)
                BEGIN SELECT RAISE(ABORT, 'ledger is append-only: frames must be appended in order'); END;
            CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
                BEGIN SELECT RAISE(ABORT, 'ledger is append-only: checkpoints cannot change'); END;
            CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
                BEGIN SELECT RAISE(ABORT, 'ledger is append-only: checkpoints cannot be deleted'); END;
            CREATE TRIGGER head_no_delete BEFORE DELETE ON head
                BEGIN SELECT RAISE(ABORT, 'ledger is append-only: head cannot be deleted'); END;
            CREATE TRIGGER head_forward_only BEFORE UPDATE ON head
                WHEN NEW.frame_count < OLD.frame_count OR OLD.finished = 1
                BEGIN SELECT RAISE(ABORT, 'ledger is append-only: head only moves forward'); END;
            """
        ),
        (
            "0003-measurements",
            """
            CREATE TABLE measurements (
                id INTEGER PRIMARY KEY,
                sequence INTEGER NOT NULL,
                name TEXT NOT NULL,
                value REAL NOT NULL,
                unit TEXT NOT NULL
            );
            CREATE TRIGGER measurements_no_update BEFORE UPDATE ON measurements
                BEGIN SELECT RAISE(ABORT, 'ledger is append-only: measurements cannot change'); END;
            CREATE TRIGGER measurements_no_delete BEFORE DELETE ON measurements
                BEGIN SELECT RAISE(ABORT, 'ledger is append-only: measurements cannot be deleted'); END;
            """
        ),
    ]

    /// Migrations every ledger holds; later ones are additions that a ledger written before
    /// them may lack (readers treat their tables as empty; a writable open applies them).
    static let required = 2

    /// Creates the migrations table and applies every migration.
    static func applyAll(to database: SQLiteDatabase) throws(LedgerError) {
        try database.execute(
            "CREATE TABLE migrations (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
        try apply(from: 0, to: database)
    }

    /// Applies the migrations from position `first` on (inside the caller's transaction).
    static func apply(from first: Int, to database: SQLiteDatabase) throws(LedgerError) {
        let insert = try database.prepare("INSERT INTO migrations (position, name) VALUES (?, ?)")
        for (position, migration) in all.enumerated() where position >= first {
            try database.execute(migration.sql)
            insert.bind(1, Int64(position))
            insert.bind(2, migration.name)
            try insert.run()
        }
    }

    /// The names recorded in a ledger, in order.
    static func applied(in database: SQLiteDatabase) throws(LedgerError) -> [String] {
        let query = try database.prepare("SELECT name FROM migrations ORDER BY position")
        var names: [String] = []
        while try query.step() { names.append(query.text(0) ?? "") }
        return names
    }
}
