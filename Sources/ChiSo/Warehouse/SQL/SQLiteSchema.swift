import GRDB

/// GRDB's migrator over ``WarehouseMigrations`` for the SQLite file.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        for migration in WarehouseMigrations.all {
            m.registerMigration(migration.identifier) { db in try db.execute(sql: migration.sql) }
        }
        return m
    }
}
