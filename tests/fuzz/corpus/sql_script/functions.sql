-- agora:no-transaction
/* header comment /* nested */ still comment ; */
CREATE TABLE t (id bigint PRIMARY KEY, "Quoted;Name" text DEFAULT 'it''s; fine');
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  INSERT INTO log VALUES (';'); RETURN NEW;
END $body$;
SELECT E'\'escaped\';', $$;$$, 1.5e3, .5, x::text FROM t; -- trailing
