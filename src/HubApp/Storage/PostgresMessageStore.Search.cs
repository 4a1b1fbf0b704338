namespace HubApp.Storage;

// Search on PostgreSQL's full-text search: a tsvector column beside each text, kept by a BEFORE trigger on every insert
// and every rewrite of the text (an edit; a delete empties it), and a GIN index on it. Texts are bytea (text cannot hold
// NUL): the words come from the UTF-8 text with each NUL read as a space, as FTS5 reads it (in the bytes' escape form,
// once the doubled backslashes are written as \134, every backslash starts an escape, so \000 is only ever a NUL).
// A word is a run of letters and decimal digits, lowered (SearchWords; FTS5 cuts SQLite's texts the same way): the
// lexemes are made here and given to array_to_tsvector as they are, not passed through a text search parser, whose idea
// of a word (hosts, e-mail addresses, hyphenated words) is its own. The ICU root collation decides what a letter is and
// how case folds, whatever the database's locale, where the server has ICU; else the database's collation does.
internal sealed partial class PostgresMessageStore
{
    /// <summary>The "search" component's schema. 1: the search columns, functions, triggers and indexes, filled from what is stored.</summary>
    private const int SearchVersion = 1;

    /// <summary>
    /// The search's idempotent DDL, run by every start; the fill runs once. A word longer than 500 characters is indexed
    /// by its first 500 (a lexeme holds at most 2 KB), and a query word is at most 256: every prefix query still matches.
    /// </summary>
    private const string SearchSchemaSql = """
        DO $search$
        DECLARE
            words_collation text := CASE WHEN EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN '"und-x-icu"' ELSE '"default"' END;
        BEGIN
            EXECUTE format($words$
                CREATE OR REPLACE FUNCTION hubapp_search_words(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
                    SELECT COALESCE(array_agg(left(w, 500)), '{}') FROM regexp_split_to_table(
                        lower(t COLLATE %1$s) COLLATE %1$s, '[^[:alpha:][:digit:]]+') AS w
                    WHERE w <> ''
                $body$;
                $words$, words_collation);
        END $search$;
        CREATE OR REPLACE FUNCTION hubapp_search_text(t bytea) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
            SELECT convert_from(decode(replace(replace(encode(t, 'escape'), '\\', '\134'), '\000', ' '), 'escape'), 'UTF8')
        $body$;
        CREATE OR REPLACE FUNCTION hubapp_search_vector(t bytea) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
            SELECT array_to_tsvector(hubapp_search_words(hubapp_search_text(t)))
        $body$;
        CREATE OR REPLACE FUNCTION hubapp_search_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
            SELECT string_agg('''' || w || '''' || CASE WHEN n = cardinality(s.ws) THEN ':*' ELSE '' END, ' & ' ORDER BY n)::tsquery
            FROM (SELECT hubapp_search_words(q) AS ws) AS s, unnest(s.ws) WITH ORDINALITY AS u(w, n)
        $body$;
        CREATE OR REPLACE FUNCTION hubapp_messages_search() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            NEW.search_words := CASE WHEN NEW.kind = 'message' AND NEW.deleted_at IS NULL AND octet_length(NEW.text) > 0
                THEN hubapp_search_vector(NEW.text) END;
            RETURN NEW;
        END $body$;
        CREATE OR REPLACE FUNCTION hubapp_direct_messages_search() RETURNS trigger LANGUAGE plpgsql AS $body$
        DECLARE
            -- A kind and a deletion time are respected once direct_messages has them; until then every row is a message.
            r jsonb := to_jsonb(NEW) - 'text' - 'search_words';
        BEGIN
            NEW.search_words := CASE WHEN COALESCE(r ->> 'kind', 'message') = 'message' AND r ->> 'deleted_at' IS NULL AND octet_length(NEW.text) > 0
                THEN hubapp_search_vector(NEW.text) END;
            RETURN NEW;
        END $body$;
        ALTER TABLE messages ADD COLUMN IF NOT EXISTS search_words tsvector;
        ALTER TABLE direct_messages ADD COLUMN IF NOT EXISTS search_words tsvector;
        DO $upgrade$ BEGIN
            IF COALESCE((SELECT version FROM hubapp_schema WHERE component = 'search'), 0) < 1 THEN
                UPDATE messages SET search_words = hubapp_search_vector(text) WHERE kind = 'message' AND deleted_at IS NULL AND octet_length(text) > 0;
                UPDATE direct_messages d SET search_words = hubapp_search_vector(d.text)
                WHERE octet_length(d.text) > 0 AND COALESCE(to_jsonb(d) ->> 'kind', 'message') = 'message' AND to_jsonb(d) ->> 'deleted_at' IS NULL;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'messages_search' AND tgrelid = 'messages'::regclass) THEN
                CREATE TRIGGER messages_search BEFORE INSERT OR UPDATE OF text ON messages
                    FOR EACH ROW EXECUTE FUNCTION hubapp_messages_search();
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'direct_messages_search' AND tgrelid = 'direct_messages'::regclass) THEN
                CREATE TRIGGER direct_messages_search BEFORE INSERT OR UPDATE OF text ON direct_messages
                    FOR EACH ROW EXECUTE FUNCTION hubapp_direct_messages_search();
            END IF;
        END $upgrade$;
        CREATE INDEX IF NOT EXISTS messages_search ON messages USING gin (search_words);
        CREATE INDEX IF NOT EXISTS direct_messages_search ON direct_messages USING gin (search_words);
        """;

    protected override string MessageSearchSql(bool oneRoom) => $"""
        SELECT m.room, m.id FROM messages m
        WHERE m.search_words @@ hubapp_search_query(@match) AND m.room IN (SELECT jsonb_array_elements_text(CAST(@rooms AS jsonb))) AND m.id < @before
            AND m.kind = 'message' AND m.deleted_at IS NULL
        ORDER BY {(oneRoom ? "m.id DESC" : "m.sent_at DESC, m.room COLLATE \"C\", m.id DESC")} LIMIT @limit;
        """;

    protected override string DirectSearchSql(bool oneConversation) => $"""
        SELECT d.id FROM direct_messages d
        WHERE d.search_words @@ hubapp_search_query(@match)
            AND {(oneConversation ? "d.conversation = @conversation" : "(d.from_user_id = @user OR d.to_user_id = @user)")}
        ORDER BY d.id DESC LIMIT @limit;
        """;

    // The words go in as one text; hubapp_search_query cuts them as the index cut the texts, quotes each (they hold only
    // letters and digits) and makes the last a prefix: no user text is tsquery syntax.
    protected override string SearchMatch(SearchWords words) => words.ToString();

    private Task InitializeSearchAsync(CancellationToken cancellationToken) => RunSchemaAsync(dataSource, SearchSchemaSql, "search", SearchVersion, cancellationToken);
}
