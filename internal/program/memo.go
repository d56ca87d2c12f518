package program

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"

	"mentorskap/internal/i18n"

	"mentorskap/internal/store"
)

// A read memo keeps the pairs one page view has read, so that the handler,
// the agreement's terms it asks for and the access log's check after it
// read a pair once per request instead of up to three times. Only pages
// that change nothing get one (the web layer gives it to GET and HEAD
// requests), and reads inside a transaction never use it: a transaction
// must see its own writes and the latest state.
type readMemo struct {
	mu       sync.Mutex
	pairs    map[int64]Pair
	programs map[int64]*Program // with their role words
}

type memoKey struct{}

// WithReadMemo returns a context whose reads of one pair by id are made
// once. Use it for a request that writes nothing about pairs.
func WithReadMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &readMemo{pairs: map[int64]Pair{}, programs: map[int64]*Program{}})
}

func memoOf(ctx context.Context, q store.Q) *readMemo {
	if _, tx := q.(*store.Tx); tx {
		return nil
	}
	m, _ := ctx.Value(memoKey{}).(*readMemo)
	return m
}

// onePair reads pair id through the memo; ok is false when there is none.
func (m *readMemo) onePair(ctx context.Context, q store.Q, id int64) ([]Pair, error) {
	m.mu.Lock()
	p, ok := m.pairs[id]
	m.mu.Unlock()
	if ok {
		return []Pair{p.clone()}, nil
	}
	ps, err := queryPairs(ctx, q, `p.id = ?`, id)
	if err != nil || len(ps) != 1 {
		return ps, err
	}
	m.mu.Lock()
	m.pairs[id] = ps[0].clone()
	m.mu.Unlock()
	return ps, nil
}

// ReadPair queues a read of pair id into the request's read memo (see
// WithReadMemo), for a request that will ask for that pair next: sent
// with the reads that tell who is asking (store.Reads), it costs no round
// trip of its own on PostgreSQL. It is read before it is known who asks,
// so only the memo holds it, and whoever takes it from there checks who
// asks as for any read of a pair (ViewPair). Without a memo it queues
// nothing.
func ReadPair(ctx context.Context, r *store.Reads, id int64) {
	m, _ := ctx.Value(memoKey{}).(*readMemo)
	if m == nil {
		return
	}
	readPair(r, id, func(ps []Pair) {
		if len(ps) == 1 {
			m.keepPairs(ps)
		}
	})
}

// readPair queues the read of pair id with its members; found gets it
// (none when there is no such pair).
func readPair(r *store.Reads, id int64, found func([]Pair)) {
	r.Add(func(rows store.Rows) error {
		ps, err := scanPairs(rows)
		if err == nil {
			found(ps)
		}
		return err
	}, pairSelect+` WHERE p.id = ?`+pairOrder, id)
}

// keepPairs remembers whole pairs read by another query.
func (m *readMemo) keepPairs(ps []Pair) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range ps {
		m.pairs[p.ID] = p.clone()
	}
}

// clone copies the member lists, so that a caller changing its copy does
// not change what the memo hands the next reader.
func (p Pair) clone() Pair {
	p.Mentors, p.Mentees = slices.Clone(p.Mentors), slices.Clone(p.Mentees)
	return p
}

// current keeps programs with their role words from one page view to the
// next. A program changes seldom and every page of a pair reads it; the
// pair's own statement reads the program's version with it (a change of
// its settings or role words adds one, in the same transaction), so a kept
// program is used only while it is still the one in the database,
// whichever process changed it. Programs are never deleted, so an id is
// never another's.
var current = store.Kept[int64, *Program]{Max: 1024}

// versionOf returns the version of program id as read with a pair in this
// request, if one was.
func (m *readMemo) versionOf(id int64) (int64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range m.pairs {
		if p.ProgramID == id && p.programVersion > 0 {
			return p.programVersion, true
		}
	}
	return 0, false
}

// program reads program id with its role words through the memo, in one
// statement the first time and none after; every page of a pair asks for
// the program's terms and for its role words. A page that has read a pair
// of the program needs no statement at all while the program is unchanged
// (see current).
func (m *readMemo) program(ctx context.Context, q store.Q, id int64) (*Program, error) {
	m.mu.Lock()
	p, ok := m.programs[id]
	m.mu.Unlock()
	if ok {
		return p.clone(), nil
	}
	db, _ := q.(*store.DB)
	version, known := m.versionOf(id)
	if known && db != nil {
		if p, ok := current.Get(db, id, version); ok {
			m.mu.Lock()
			m.programs[id] = p
			m.mu.Unlock()
			return p.clone(), nil
		}
	}
	p, version, err := m.readProgram(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if db != nil {
		current.Put(db, id, version, p)
	}
	return p.clone(), nil
}

// readProgram reads program id with its role words and its version in one
// statement and keeps it in the memo.
func (m *readMemo) readProgram(ctx context.Context, q store.Q, id int64) (*Program, int64, error) {
	p, version, err := readProgram(ctx, q, id)
	if err != nil {
		return nil, 0, err
	}
	m.mu.Lock()
	m.programs[id] = p
	m.mu.Unlock()
	return p, version, nil
}

// readProgram reads program id with its role words and its version in one
// statement.
func readProgram(ctx context.Context, q store.Q, id int64) (p *Program, version int64, err error) {
	rows, err := q.Query(ctx, `SELECT `+programColsG+`, g.version, COALESCE(r.language, ''), COALESCE(r.role, ''), COALESCE(r.forms, '')
		FROM programs g LEFT JOIN program_role_names r ON r.program_id = g.id WHERE g.id = ?`, id)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var lang, role, forms string
		var start, end string
		var r Program
		if err := rows.Scan(&r.ID, &r.Name, &r.Purpose, &r.Goals, &r.FocusAreas, &start, &end,
			&r.MinMeetings, &r.MaxGapDays, &r.MeetingMinMinutes, &r.MeetingMaxMinutes,
			&r.MessagesAllowed, &r.EvalFollowup, &r.EvalMidpoint, &r.EvalFinal,
			&r.DefaultLanguage, &r.JoinToken, &r.JoinEnabled, &r.JoinRole, &r.CreatedAt, &r.UpdatedAt,
			&version, &lang, &role, &forms); err != nil {
			return nil, 0, err
		}
		if p == nil {
			if r.Start, err = ParseDate(start); err != nil {
				return nil, 0, err
			}
			if r.End, err = ParseDate(end); err != nil {
				return nil, 0, err
			}
			r.Roles = map[string]i18n.RoleWords{}
			p = &r
		}
		if lang != "" {
			if p.Roles[lang] == nil {
				p.Roles[lang] = i18n.RoleWords{}
			}
			p.Roles[lang][role] = strings.Split(forms, ",")
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if p == nil {
		return nil, 0, sql.ErrNoRows
	}
	return p, version, nil
}

// OfPair loads the program of pair p with its role words. It is Get for a
// pair read in the same request or transaction: the pair's statement read
// the program's version, so a program kept from an earlier page view at
// that version (see current) needs no statement, inside a transaction too,
// which then uses the version it has seen itself. Otherwise the program is
// read in one statement. Only reads outside a transaction are kept. It does
// not check who asks.
func OfPair(ctx context.Context, q store.Q, p *Pair) (*Program, error) {
	if memoOf(ctx, q) != nil {
		return Get(ctx, q, p.ProgramID)
	}
	db, outside := store.KeptFrom(q)
	if db != nil && p.programVersion > 0 {
		if kept, ok := current.Get(db, p.ProgramID, p.programVersion); ok {
			return kept.clone(), nil
		}
	}
	prog, version, err := readProgram(ctx, q, p.ProgramID)
	if err != nil {
		return nil, store.NotFound(err, "program.error.not_found")
	}
	if outside {
		current.Put(db, prog.ID, version, prog)
	}
	return prog.clone(), nil
}

// roles returns the role words of program id when the memo has read the
// program already; the map is the memo's own, for reading only.
func (m *readMemo) roles(id int64) (map[string]i18n.RoleWords, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.programs[id]
	if !ok {
		return nil, false
	}
	return p.Roles, true
}

// clone copies the role words, so that a caller changing its copy does not
// change what the memo hands the next reader.
func (p *Program) clone() *Program {
	c := *p
	c.Roles = make(map[string]i18n.RoleWords, len(p.Roles))
	for lang, words := range p.Roles {
		w := make(i18n.RoleWords, len(words))
		for role, forms := range words {
			w[role] = slices.Clone(forms)
		}
		c.Roles[lang] = w
	}
	return &c
}
