package question

import (
	"context"
	"encoding/csv"
	"io"

	"mentorskap/internal/account"
	"mentorskap/internal/audit"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// Roster is the participants of a program with their answers, as the
// coordinators' list and export show them.
type Roster struct {
	Program      *program.Program
	Participants []program.Participant
	Questions    []Question                 // live, in order
	Answers      map[int64]map[int64]string // participant id → question id → stored answer
}

// Answer is a participant's answer to a question, for a reader of lang.
func (r *Roster) Answer(p program.Participant, q Question, lang string) string {
	return q.Display(r.Answers[p.ID][q.ID], lang)
}

// Roster loads the program's participants matching f, with their answers,
// for its coordinators. When export is true the reading is recorded in the
// audit log as the participants export, in the same transaction.
func (s *Service) Roster(ctx context.Context, actor *account.User, programID int64, f program.ParticipantFilter, export bool) (*Roster, error) {
	r := &Roster{}
	now := s.Clock.Now().UTC()
	load := func(q store.Q) error {
		var err error
		if r.Program, err = program.RequireCoordinatorTx(ctx, q, actor, programID); err != nil {
			return err
		}
		if r.Participants, err = program.ListParticipants(ctx, q, programID, f); err != nil {
			return err
		}
		if r.Questions, err = List(ctx, q, programID); err != nil {
			return err
		}
		r.Answers, err = Answers(ctx, q, programID)
		return err
	}
	if !export {
		return r, load(s.DB)
	}
	return r, s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := load(tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, actor.ID, audit.ActionExport, programID, 0, 0, "participants.csv")
	})
}

// Filter keeps the participants whose answer to question qid matches
// want: any answer when want is "", else an answer whose text in lang (or,
// for a choice, one of whose options) is want, ignoring case.
func (r *Roster) Filter(qid int64, want, lang string) {
	var q *Question
	for k := range r.Questions {
		if r.Questions[k].ID == qid {
			q = &r.Questions[k]
		}
	}
	if q == nil {
		return
	}
	keep := r.Participants[:0]
	for _, p := range r.Participants {
		v := r.Answers[p.ID][qid]
		if v != "" && matches(*q, v, want, lang) {
			keep = append(keep, p)
		}
	}
	r.Participants = keep
}

// ExportHeader names the columns of WriteCSV: the fixed ones come from
// the caller, in the reader's language or as codes.
type ExportHeader struct {
	Name, Email, Role, Status, Organisation, Field string
	RoleName, StatusName                           func(string) string
}

// WriteCSV writes the roster, one line per participant, one column per
// question after the fixed ones, answers in lang. Cells that a
// spreadsheet would read as a formula are defused by safe.
func (r *Roster) WriteCSV(w io.Writer, h ExportHeader, lang string, safe func(string) string) error {
	cw := csv.NewWriter(w)
	head := []string{h.Name, h.Email, h.Role, h.Status, h.Organisation, h.Field}
	for _, q := range r.Questions {
		head = append(head, q.Text(lang))
	}
	rec := func(cells []string) error {
		for k := range cells {
			cells[k] = safe(cells[k])
		}
		return cw.Write(cells)
	}
	if err := rec(head); err != nil {
		return err
	}
	for _, p := range r.Participants {
		line := []string{p.Name, p.Email, h.RoleName(p.Role), h.StatusName(p.Status), p.Organisation, p.Field}
		for _, q := range r.Questions {
			line = append(line, r.Answer(p, q, lang))
		}
		if err := rec(line); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
