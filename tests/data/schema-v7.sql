CREATE INDEX character_keys_character ON character_keys(character_id);
CREATE INDEX characters_drama ON characters(drama_id);
CREATE INDEX characters_person ON characters(person_id);
CREATE INDEX drama_counts_most ON drama_counts(scenes DESC);
CREATE INDEX drama_keys_drama ON drama_keys(drama_id);
CREATE INDEX dramas_title ON dramas(title);
CREATE INDEX dramas_year ON dramas(year);
CREATE INDEX person_counts_most ON person_counts(scenes DESC);
CREATE INDEX person_keys_person ON person_keys(person_id);
CREATE INDEX scene_characters_character ON scene_characters(character_id, scene_id);
CREATE INDEX scene_people_person ON scene_people(person_id, scene_id);
CREATE INDEX scene_tags_tag ON scene_tags(tag_id, scene_id);
CREATE INDEX scenes_drama ON scenes(drama_id);
CREATE INDEX scenes_episode ON scenes(episode) WHERE episode IS NOT NULL;
CREATE INDEX scenes_favorite ON scenes(id) WHERE favorite = 1;
CREATE INDEX scenes_rating ON scenes(rating);
CREATE INDEX scenes_source ON scenes(source_id);
CREATE INDEX scenes_title ON scenes(title);
CREATE INDEX tag_counts_most ON tag_counts(scenes DESC);
CREATE TABLE bundled_scenes (scene_id INTEGER PRIMARY KEY);
CREATE TABLE character_aliases (
            character_id INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            PRIMARY KEY (character_id, alias)
        );
CREATE TABLE character_counts (character_id INTEGER PRIMARY KEY, scenes INTEGER NOT NULL);
CREATE TABLE character_counts_stale (character_id INTEGER PRIMARY KEY);
CREATE TABLE character_keys (
            key TEXT NOT NULL,
            character_id INTEGER NOT NULL REFERENCES characters(id) ON DELETE CASCADE,
            PRIMARY KEY (key, character_id)
        ) WITHOUT ROWID;
CREATE TABLE characters (
            id INTEGER PRIMARY KEY,
            drama_id INTEGER NOT NULL REFERENCES dramas(id),
            person_id INTEGER NOT NULL REFERENCES people(id),
            name TEXT NOT NULL,
            name_korean TEXT
        );
CREATE TABLE drama_aliases (
            drama_id INTEGER NOT NULL REFERENCES dramas(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            PRIMARY KEY (drama_id, alias)
        );
CREATE TABLE drama_counts (drama_id INTEGER PRIMARY KEY, scenes INTEGER NOT NULL);
CREATE TABLE drama_counts_stale (drama_id INTEGER PRIMARY KEY);
CREATE TABLE drama_keys (
            key TEXT NOT NULL,
            drama_id INTEGER NOT NULL REFERENCES dramas(id) ON DELETE CASCADE,
            PRIMARY KEY (key, drama_id)
        ) WITHOUT ROWID;
CREATE TABLE dramas (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            title_korean TEXT,
            year INTEGER NOT NULL,
            network TEXT
        );
CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_korean TEXT
        );
CREATE TABLE person_aliases (
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            PRIMARY KEY (person_id, alias)
        );
CREATE TABLE person_counts (person_id INTEGER PRIMARY KEY, scenes INTEGER NOT NULL);
CREATE TABLE person_counts_stale (person_id INTEGER PRIMARY KEY);
CREATE TABLE person_keys (
            key TEXT NOT NULL,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            PRIMARY KEY (key, person_id)
        ) WITHOUT ROWID;
CREATE TABLE removed_scene_ids (highest INTEGER NOT NULL);
CREATE TABLE "scene_characters" (
                scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
                character_id INTEGER NOT NULL REFERENCES characters(id),
                position INTEGER NOT NULL,
                PRIMARY KEY (scene_id, character_id)
            ) WITHOUT ROWID;
CREATE TABLE "scene_people" (
                scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
                person_id INTEGER NOT NULL REFERENCES people(id),
                position INTEGER NOT NULL,
                PRIMARY KEY (scene_id, person_id)
            ) WITHOUT ROWID;
CREATE VIRTUAL TABLE scene_search USING fts5(title, drama, names, description, tags, note, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TABLE 'scene_search_config'(k PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE 'scene_search_content'(id INTEGER PRIMARY KEY, c0, c1, c2, c3, c4, c5);
CREATE TABLE 'scene_search_data'(id INTEGER PRIMARY KEY, block BLOB);
CREATE TABLE 'scene_search_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
CREATE TABLE 'scene_search_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
CREATE TABLE scene_tags (
            scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (scene_id, tag_id)
        ) WITHOUT ROWID;
CREATE TABLE scene_urls (
            scene_id INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            url TEXT NOT NULL,
            PRIMARY KEY (scene_id, position)
        ) WITHOUT ROWID;
CREATE TABLE scenes (
            id INTEGER PRIMARY KEY,
            drama_id INTEGER NOT NULL REFERENCES dramas(id),
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            rank INTEGER,
            source_id INTEGER REFERENCES sources(id)
        , favorite INTEGER NOT NULL DEFAULT 0
            CHECK (favorite IN (0, 1)), rating INTEGER CHECK (rating BETWEEN 1 AND 5), episode INTEGER CHECK (episode >= 1), time INTEGER CHECK (time >= 0), note TEXT);
CREATE TABLE search_stale (scene_id INTEGER PRIMARY KEY);
CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            title TEXT,
            credit TEXT
        );
CREATE TABLE tag_counts (tag_id INTEGER PRIMARY KEY, scenes INTEGER NOT NULL);
CREATE TABLE tag_counts_stale (tag_id INTEGER PRIMARY KEY);
CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE
        );
CREATE TRIGGER character_counts_scene_characters_delete AFTER DELETE ON scene_characters BEGIN INSERT OR IGNORE INTO character_counts_stale (character_id) VALUES (OLD.character_id); END;
CREATE TRIGGER character_counts_scene_characters_insert AFTER INSERT ON scene_characters BEGIN INSERT OR IGNORE INTO character_counts_stale (character_id) VALUES (NEW.character_id); END;
CREATE TRIGGER character_counts_scene_characters_update AFTER UPDATE OF character_id ON scene_characters WHEN OLD.character_id IS NOT NEW.character_id BEGIN INSERT OR IGNORE INTO character_counts_stale (character_id) VALUES (OLD.character_id), (NEW.character_id); END;
CREATE TRIGGER drama_counts_scenes_delete AFTER DELETE ON scenes BEGIN INSERT OR IGNORE INTO drama_counts_stale (drama_id) VALUES (OLD.drama_id); END;
CREATE TRIGGER drama_counts_scenes_insert AFTER INSERT ON scenes BEGIN INSERT OR IGNORE INTO drama_counts_stale (drama_id) VALUES (NEW.drama_id); END;
CREATE TRIGGER drama_counts_scenes_update AFTER UPDATE OF drama_id ON scenes WHEN OLD.drama_id IS NOT NEW.drama_id BEGIN INSERT OR IGNORE INTO drama_counts_stale (drama_id) VALUES (OLD.drama_id), (NEW.drama_id); END;
CREATE TRIGGER person_counts_scene_people_delete AFTER DELETE ON scene_people BEGIN INSERT OR IGNORE INTO person_counts_stale (person_id) VALUES (OLD.person_id); END;
CREATE TRIGGER person_counts_scene_people_insert AFTER INSERT ON scene_people BEGIN INSERT OR IGNORE INTO person_counts_stale (person_id) VALUES (NEW.person_id); END;
CREATE TRIGGER person_counts_scene_people_update AFTER UPDATE OF person_id ON scene_people WHEN OLD.person_id IS NOT NEW.person_id BEGIN INSERT OR IGNORE INTO person_counts_stale (person_id) VALUES (OLD.person_id), (NEW.person_id); END;
CREATE TRIGGER scenes_delete_keeps_id AFTER DELETE ON scenes BEGIN
            UPDATE removed_scene_ids SET highest = OLD.id WHERE highest < OLD.id;
        END;
CREATE TRIGGER search_character_aliases_delete AFTER DELETE ON character_aliases BEGIN INSERT OR IGNORE INTO search_stale (scene_id) SELECT scene_id FROM scene_characters WHERE character_id = OLD.character_id; END;
CREATE TRIGGER search_character_aliases_insert AFTER INSERT ON character_aliases BEGIN INSERT OR IGNORE INTO search_stale (scene_id) SELECT scene_id FROM scene_characters WHERE character_id = NEW.character_id; END;
CREATE TRIGGER search_characters_update AFTER UPDATE OF name, name_korean ON characters BEGIN INSERT OR IGNORE INTO search_stale (scene_id) SELECT scene_id FROM scene_characters WHERE character_id = NEW.id; END;
CREATE TRIGGER search_drama_aliases_delete AFTER DELETE ON drama_aliases BEGIN INSERT OR IGNORE INTO search_stale (scene_id) SELECT id FROM scenes WHERE drama_id = OLD.drama_id; END;
CREATE TRIGGER search_drama_aliases_insert AFTER INSERT ON drama_aliases BEGIN INSERT OR IGNORE INTO search_stale (scene_id) SELECT id FROM scenes WHERE drama_id = NEW.drama_id; END;
CREATE TRIGGER search_dramas_update AFTER UPDATE OF title, title_korean ON dramas BEGIN INSERT OR IGNORE INTO search_stale (scene_id) SELECT id FROM scenes WHERE drama_id = NEW.id; END;
CREATE TRIGGER search_people_update AFTER UPDATE OF name, name_korean ON people BEGIN INSERT OR IGNORE INTO search_stale (scene_id) SELECT scene_id FROM scene_people WHERE person_id = NEW.id UNION SELECT sc.scene_id FROM characters c JOIN scene_characters sc ON sc.character_id = c.id WHERE c.person_id = NEW.id; END;
CREATE TRIGGER search_person_aliases_delete AFTER DELETE ON person_aliases BEGIN INSERT OR IGNORE INTO search_stale (scene_id) SELECT scene_id FROM scene_people WHERE person_id = OLD.person_id UNION SELECT sc.scene_id FROM characters c JOIN scene_characters sc ON sc.character_id = c.id WHERE c.person_id = OLD.person_id; END;
CREATE TRIGGER search_person_aliases_insert AFTER INSERT ON person_aliases BEGIN INSERT OR IGNORE INTO search_stale (scene_id) SELECT scene_id FROM scene_people WHERE person_id = NEW.person_id UNION SELECT sc.scene_id FROM characters c JOIN scene_characters sc ON sc.character_id = c.id WHERE c.person_id = NEW.person_id; END;
CREATE TRIGGER search_scene_characters_delete AFTER DELETE ON scene_characters BEGIN INSERT OR IGNORE INTO search_stale (scene_id) VALUES (OLD.scene_id); END;
CREATE TRIGGER search_scene_characters_insert AFTER INSERT ON scene_characters BEGIN INSERT OR IGNORE INTO search_stale (scene_id) VALUES (NEW.scene_id); END;
CREATE TRIGGER search_scene_people_delete AFTER DELETE ON scene_people BEGIN INSERT OR IGNORE INTO search_stale (scene_id) VALUES (OLD.scene_id); END;
CREATE TRIGGER search_scene_people_insert AFTER INSERT ON scene_people BEGIN INSERT OR IGNORE INTO search_stale (scene_id) VALUES (NEW.scene_id); END;
CREATE TRIGGER search_scene_tags_delete AFTER DELETE ON scene_tags BEGIN INSERT OR IGNORE INTO search_stale (scene_id) VALUES (OLD.scene_id); END;
CREATE TRIGGER search_scene_tags_insert AFTER INSERT ON scene_tags BEGIN INSERT OR IGNORE INTO search_stale (scene_id) VALUES (NEW.scene_id); END;
CREATE TRIGGER search_scenes_delete AFTER DELETE ON scenes BEGIN INSERT OR IGNORE INTO search_stale (scene_id) VALUES (OLD.id); END;
CREATE TRIGGER search_scenes_insert AFTER INSERT ON scenes BEGIN INSERT OR IGNORE INTO search_stale (scene_id) VALUES (NEW.id); END;
CREATE TRIGGER search_scenes_update AFTER UPDATE OF title, description, drama_id, note ON scenes BEGIN INSERT OR IGNORE INTO search_stale (scene_id) VALUES (NEW.id); END;
CREATE TRIGGER search_tags_update AFTER UPDATE OF name ON tags BEGIN INSERT OR IGNORE INTO search_stale (scene_id) SELECT scene_id FROM scene_tags WHERE tag_id = NEW.id; END;
CREATE TRIGGER tag_counts_scene_tags_delete AFTER DELETE ON scene_tags BEGIN INSERT OR IGNORE INTO tag_counts_stale (tag_id) VALUES (OLD.tag_id); END;
CREATE TRIGGER tag_counts_scene_tags_insert AFTER INSERT ON scene_tags BEGIN INSERT OR IGNORE INTO tag_counts_stale (tag_id) VALUES (NEW.tag_id); END;
CREATE TRIGGER tag_counts_scene_tags_update AFTER UPDATE OF tag_id ON scene_tags WHEN OLD.tag_id IS NOT NEW.tag_id BEGIN INSERT OR IGNORE INTO tag_counts_stale (tag_id) VALUES (OLD.tag_id), (NEW.tag_id); END;
CREATE VIEW scenes_with_cast AS
        SELECT s.id, s.title, d.title AS drama, d.title_korean AS drama_korean, d.year,
            d.network,
            (SELECT json_group_array(name) FROM (
                SELECT p.name FROM scene_people sp JOIN people p ON p.id = sp.person_id
                WHERE sp.scene_id = s.id ORDER BY sp.position)) AS actors,
            (SELECT json_group_array(name) FROM (
                SELECT c.name || ' (' || p.name || ')' AS name FROM scene_characters sc
                JOIN characters c ON c.id = sc.character_id
                JOIN people p ON p.id = c.person_id
                WHERE sc.scene_id = s.id ORDER BY sc.position)) AS characters,
            s.description, s.favorite, s.rating, src.name AS source
        FROM scenes s JOIN dramas d ON d.id = s.drama_id
        LEFT JOIN sources src ON src.id = s.source_id;
