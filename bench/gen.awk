# gen.awk - writes one benchmark migration set in every tool's layout.
#
#   awk -v kind=ddl|dml|proc -v n=1000 -v db=sqlite|postgresql|mysql \
#       -v out=DIR -f bench/gen.awk
#
# Every tool gets the same statements for migration i:
#   DIR/flyway/V<i>__<kind>_<i>.sql    runway (Flyway layout)
#   DIR/dbmate/<i, 6 digits>_<kind>_<i>.sql
#   DIR/sqlmigrate/<i>_<kind>_<i>.sql
#   DIR/sqitch/{sqitch.plan,deploy/c<i>.sql}
#   DIR/floor.sql                      one script for the database's own client:
#                                      the history table, then per migration
#                                      BEGIN; statements; history insert; COMMIT;
#
# Kinds: ddl (a table and an index per file), dml (22 single-row DML
# statements per file), proc (stored code: PL/pgSQL functions and a trigger
# on PostgreSQL, stored functions and a trigger on MySQL, triggers and a
# view on SQLite).

# Fills stmt[1..ns] with migration i's statements; is_block[k] marks a
# statement with semicolons inside (needs DELIMITER or StatementBegin).
function statements(i,    j, base, ts) {
    ns = 0
    ts = db == "mysql" ? "DATETIME" : "TIMESTAMP"
    if (kind == "ddl") {
        add("CREATE TABLE t" i " (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, " \
            "amount NUMERIC(12,2), created_at " ts " NULL)", 0)
        add("CREATE INDEX t" i "_name ON t" i " (name)", 0)
    } else if (kind == "dml") {
        if (i == 1)
            add("CREATE TABLE items (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, " \
                "name VARCHAR(100) NOT NULL, qty INTEGER NOT NULL)", 0)
        base = (i - 1) * 20
        for (j = 1; j <= 20; j++)
            add("INSERT INTO items (id, k, name, qty) VALUES (" base + j ", " i ", 'item " \
                base + j " of migration " i "', " j ")", 0)
        add("UPDATE items SET qty = qty + 1 WHERE id BETWEEN " base + 1 " AND " base + 20, 0)
        add("DELETE FROM items WHERE id = " base + 1, 0)
    } else if (db == "postgresql") {
        add("CREATE TABLE p" i " (id INTEGER PRIMARY KEY, v INTEGER)", 0)
        add("CREATE FUNCTION f" i "(a integer) RETURNS integer LANGUAGE plpgsql AS $$\n" \
            "DECLARE r integer;\nBEGIN\n    r := a * " i ";\n    IF r > 100 THEN\n" \
            "        r := r - 1;\n    END IF;\n    RETURN r;\nEND;\n$$", 0)
        add("CREATE FUNCTION p" i "_trg() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n" \
            "    NEW.v := f" i "(NEW.id);\n    RETURN NEW;\nEND;\n$$", 0)
        add("CREATE TRIGGER p" i "_bi BEFORE INSERT ON p" i \
            " FOR EACH ROW EXECUTE FUNCTION p" i "_trg()", 0)
    } else if (db == "mysql") {
        add("CREATE TABLE p" i " (id INTEGER PRIMARY KEY, v INTEGER)", 0)
        add("CREATE FUNCTION f" i "(a INTEGER) RETURNS INTEGER DETERMINISTIC\nBEGIN\n" \
            "    DECLARE r INTEGER;\n    SET r = a * " i ";\n    IF r > 100 THEN\n" \
            "        SET r = r - 1;\n    END IF;\n    RETURN r;\nEND", 1)
        add("CREATE TRIGGER p" i "_bi BEFORE INSERT ON p" i " FOR EACH ROW\nBEGIN\n" \
            "    SET NEW.v = f" i "(NEW.id);\nEND", 1)
    } else {
        add("CREATE TABLE p" i " (id INTEGER PRIMARY KEY, v INTEGER, note TEXT)", 0)
        add("CREATE TRIGGER p" i "_ai AFTER INSERT ON p" i "\nBEGIN\n" \
            "    UPDATE p" i " SET v = NEW.id * " i " WHERE id = NEW.id;\n" \
            "    UPDATE p" i " SET note = 'changed' WHERE id = NEW.id AND v > 100;\nEND", 0)
        add("CREATE VIEW p" i "_big AS SELECT id, v FROM p" i " WHERE v > 100", 0)
    }
}

function add(sql, block) {
    stmt[++ns] = sql
    is_block[ns] = block
}

# The statements as the database's own client reads them (DELIMITER for
# MySQL stored code).
function client_text(    k, s) {
    s = ""
    for (k = 1; k <= ns; k++) {
        if (is_block[k])
            s = s "DELIMITER $$\n" stmt[k] "$$\nDELIMITER ;\n"
        else
            s = s stmt[k] ";\n"
    }
    return s
}

# One statement per terminator, stored code included (what a driver sends).
function plain_text(    k, s) {
    s = ""
    for (k = 1; k <= ns; k++)
        s = s stmt[k] ";\n"
    return s
}

function sqlmigrate_text(    k, s) {
    s = "-- +migrate Up\n"
    for (k = 1; k <= ns; k++) {
        if (is_block[k] || index(stmt[k], "$$") || index(stmt[k], "BEGIN"))
            s = s "-- +migrate StatementBegin\n" stmt[k] ";\n-- +migrate StatementEnd\n"
        else
            s = s stmt[k] ";\n"
    }
    return s "\n-- +migrate Down\n"
}

function write(path, text) {
    printf "%s", text > path
    close(path)
}

# Flyway's history table for each database, as the floor script creates it.
function history_ddl() {
    if (db == "postgresql")
        return "CREATE TABLE \"public\".\"flyway_schema_history\" (\n" \
            "    \"installed_rank\" INT NOT NULL,\n    \"version\" VARCHAR(50),\n" \
            "    \"description\" VARCHAR(200) NOT NULL,\n    \"type\" VARCHAR(20) NOT NULL,\n" \
            "    \"script\" VARCHAR(1000) NOT NULL,\n    \"checksum\" INTEGER,\n" \
            "    \"installed_by\" VARCHAR(100) NOT NULL,\n" \
            "    \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),\n" \
            "    \"execution_time\" INTEGER NOT NULL,\n    \"success\" BOOLEAN NOT NULL\n);\n" \
            "ALTER TABLE \"public\".\"flyway_schema_history\" ADD CONSTRAINT " \
            "\"flyway_schema_history_pk\" PRIMARY KEY (\"installed_rank\");\n" \
            "CREATE INDEX \"flyway_schema_history_s_idx\" ON " \
            "\"public\".\"flyway_schema_history\" (\"success\");\n"
    if (db == "mysql")
        return "CREATE TABLE `flyway_schema_history` (\n" \
            "    `installed_rank` INT NOT NULL,\n    `version` VARCHAR(50),\n" \
            "    `description` VARCHAR(200) NOT NULL,\n    `type` VARCHAR(20) NOT NULL,\n" \
            "    `script` VARCHAR(1000) NOT NULL,\n    `checksum` INT,\n" \
            "    `installed_by` VARCHAR(100) NOT NULL,\n" \
            "    `installed_on` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n" \
            "    `execution_time` INT NOT NULL,\n    `success` BOOL NOT NULL,\n" \
            "    CONSTRAINT `flyway_schema_history_pk` PRIMARY KEY (`installed_rank`)\n" \
            ") ENGINE=InnoDB;\n" \
            "CREATE INDEX `flyway_schema_history_s_idx` ON `flyway_schema_history` (`success`);\n"
    return "CREATE TABLE \"main\".\"flyway_schema_history\" (\n" \
        "    \"installed_rank\" INT NOT NULL PRIMARY KEY,\n    \"version\" VARCHAR(50),\n" \
        "    \"description\" VARCHAR(200) NOT NULL,\n    \"type\" VARCHAR(20) NOT NULL,\n" \
        "    \"script\" VARCHAR(1000) NOT NULL,\n    \"checksum\" INT,\n" \
        "    \"installed_by\" VARCHAR(100) NOT NULL,\n" \
        "    \"installed_on\" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),\n" \
        "    \"execution_time\" INT NOT NULL,\n    \"success\" BOOLEAN NOT NULL\n);\n" \
        "CREATE INDEX \"main\".\"flyway_schema_history_s_idx\" ON " \
        "\"flyway_schema_history\" (\"success\");\n"
}

function history_insert(i, desc, script) {
    return "INSERT INTO flyway_schema_history (installed_rank, version, description, type, " \
        "script, checksum, installed_by, execution_time, success) VALUES (" i ", '" i "', '" \
        desc "', 'SQL', '" script "', " (i * 7919) % 2147483647 ", 'bench', 1, " \
        (db == "sqlite" ? "1" : "TRUE") ");\n"
}

BEGIN {
    if (kind !~ /^(ddl|dml|proc)$/ || n !~ /^[0-9]+$/ || db !~ /^(sqlite|postgresql|mysql)$/ ||
        out == "") {
        print "usage: awk -v kind=ddl|dml|proc -v n=N -v db=sqlite|postgresql|mysql " \
              "-v out=DIR -f gen.awk" > "/dev/stderr"
        exit 2
    }
    floor = out "/floor.sql"
    plan = out "/sqitch/sqitch.plan"
    printf "%s", history_ddl() > floor
    printf "%%syntax-version=1.0.0\n%%project=bench\n\n" > plan
    for (i = 1; i <= n; i++) {
        statements(i)
        name = kind "_" i
        client = client_text()
        write(out "/flyway/V" i "__" name ".sql", client)
        write(out "/dbmate/" sprintf("%06d", i) "_" name ".sql",
              "-- migrate:up\n" plain_text() "\n-- migrate:down\n")
        write(out "/sqlmigrate/" i "_" name ".sql", sqlmigrate_text())
        write(out "/sqitch/deploy/c" i ".sql", "BEGIN;\n" client "COMMIT;\n")
        printf "c%d 2026-01-01T00:00:00Z bench <bench@example.com> # %s\n", i, name > plan
        printf "BEGIN;\n%s%sCOMMIT;\n", client,
               history_insert(i, kind " " i, "V" i "__" name ".sql") > floor
    }
    close(floor)
    close(plan)
}
