import { describe, expect, it } from 'vitest'
import { normalizeSql } from '../../runtime/pool/index.js'

describe('normalizeSql', () => {
  const cases: Array<[string, string]> = [
    ["SELECT * FROM users WHERE id = 42", 'SELECT * FROM users WHERE id = $1'],
    ["select * from users where email = 'a@b.c' and age > 30", 'select * from users where email = $1 and age > $2'],
    ['select * from t where a = $2 and b = $1', 'select * from t where a = $1 and b = $2'],
    ["select 1.5, .5, 1e-3, 0x1F, 1_000", 'select $1, $2, $3, $4, $5'],
    ["select E'it\\'s', 'it''s', B'0101', X'1F', U&'d\\0061t'", 'select $1, $2, $3, $4, $5'],
    ['select $$ a $ b $$, $fn$ body $fn$', 'select $1, $2'],
    ['select "col 1", "weird""name", t1.c2 from t1', 'select "col 1", "weird""name", t1.c2 from t1'],
    ['select a -- trailing comment\n from /* block /* nested */ still */ t', 'select a from t'],
    ['  select\n\t a ,\n b\r\n from   t  ', 'select a , b from t'],
    ['where id in (1, 2, 3, 4)', 'where id in (...)'],
    ["where id IN ('a','b') and x not in ($1,$2,$3)", 'where id IN (...) and x not in (...)'],
    ['where id = any(array[1,2,3])', 'where id = any(array[...])'],
    ["insert into t (a, b) values (1, 'x'), (2, 'y'), (3, 'z')", 'insert into t (a, b) values ($1, $2), ...'],
    ['select * from t where id in (select id from u where v = 7)', 'select * from t where id in (select id from u where v = $1)'],
    ['select x::int, y::text[] from t', 'select x::int, y::text[] from t'],
  ]
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)}`, () => expect(normalizeSql(input)).toBe(expected))
  }

  it('gives calls that differ only in values the same pattern', () => {
    const a = normalizeSql("SELECT * FROM orders WHERE customer = 'alice' AND total > 10.5 AND id IN (1,2)")
    const b = normalizeSql("SELECT  *  FROM orders WHERE customer = 'bob' AND total > 99 AND id IN (7, 8, 9, 10)")
    expect(a).toBe(b)
  })

  it('keeps no literal value', () => {
    const secret = "select * from accounts where token = 'sk_live_123' and pin = 9876 and note = $q$hush$q$"
    const out = normalizeSql(secret)
    for (const value of ['sk_live_123', '9876', 'hush']) expect(out).not.toContain(value)
  })

  it('cuts very long patterns', () => {
    const sql = `select ${Array.from({ length: 800 }, (_, i) => `c${i}`).join(', ')} from t`
    const out = normalizeSql(sql)
    expect(out.length).toBeLessThanOrEqual(1001)
    expect(out.endsWith('…')).toBe(true)
  })

  it('survives unterminated quotes and comments', () => {
    expect(normalizeSql("select 'abc")).toBe('select $1')
    expect(normalizeSql('select 1 /* open')).toBe('select $1')
    expect(normalizeSql('select "open')).toBe('select "open')
  })
})
