package meeting

import (
	"context"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// reviewTopics is the agenda an agreement review meeting starts with, per
// language, written for each rather than translated word for word. The
// mentee can change it like any agenda; the last topic points at the way
// a change becomes a new version of the agreement.
var reviewTopics = map[string][]PlanItem{
	"en": {
		{"How is the agreement working?", "Go through the agreement together: what has worked well this first month, and what has not?"},
		{"Meetings and contact", "Do the rhythm, length and place of your meetings suit you both? Is the way you keep in touch between meetings right?"},
		{"Goals", "Are the goals still the right ones, and are the target dates realistic?"},
		{"What do we change?", "Agree on anything you want to do differently. If it changes the agreement, edit it from this meeting's notes so you can both sign the new version."},
	},
	"nb": {
		{"Hvordan fungerer avtalen?", "Gå gjennom avtalen sammen: hva har fungert godt denne første måneden, og hva har ikke det?"},
		{"Møter og kontakt", "Passer hvor ofte, hvor lenge og hvor dere møtes for dere begge? Fungerer kontakten mellom møtene slik dere vil?"},
		{"Mål", "Er målene fortsatt de riktige, og er fristene realistiske?"},
		{"Hva endrer vi?", "Bli enige om det dere vil gjøre annerledes. Hvis det endrer avtalen, redigerer dere den fra møtenotatene til dette møtet, så kan dere begge signere den nye versjonen."},
	},
	"sv": {
		{"Hur fungerar avtalet?", "Gå igenom avtalet tillsammans: vad har fungerat bra den här första månaden, och vad har inte gjort det?"},
		{"Träffar och kontakt", "Passar hur ofta, hur länge och var ni ses er båda? Fungerar kontakten mellan träffarna som ni vill?"},
		{"Mål", "Är målen fortfarande rätt, och är datumen realistiska?"},
		{"Vad ändrar vi?", "Kom överens om det ni vill göra annorlunda. Om det ändrar avtalet redigerar ni det från anteckningarna till den här träffen, så att ni båda kan skriva under den nya versionen."},
	},
	"id": {
		{"Bagaimana perjanjian kita berjalan?", "Bahas perjanjian bersama: apa yang sudah berjalan baik selama bulan pertama ini, dan apa yang belum?"},
		{"Pertemuan dan komunikasi", "Apakah frekuensi, lama, dan tempat pertemuan sudah cocok bagi Anda berdua? Apakah cara berkomunikasi di antara pertemuan sudah pas?"},
		{"Tujuan", "Apakah tujuannya masih tepat, dan apakah tenggat waktunya realistis?"},
		{"Apa yang perlu diubah?", "Sepakati apa saja yang ingin Anda berdua lakukan dengan cara lain. Jika itu mengubah perjanjian, ubahlah dari catatan pertemuan ini agar Anda berdua bisa menandatangani versi barunya."},
	},
}

// ReviewAgenda is the agenda an agreement review meeting starts with, in
// lang (English when there is none in it).
func ReviewAgenda(lang string) []AgendaItem {
	topics, ok := reviewTopics[lang]
	if !ok {
		topics = reviewTopics["en"]
	}
	out := make([]AgendaItem, len(topics))
	for i, t := range topics {
		out[i] = AgendaItem{Source: SourceTopic, Title: t.Title, Note: t.Description}
	}
	return out
}

// PairLanguage is the language a pair's shared texts are prefilled in:
// the one every member reads in; else the one the mentee side shares, as
// the mentee prepares the agenda; else the program's.
func PairLanguage(p *program.Pair, prog *program.Program) string {
	shared := func(ms []program.PairMember) string {
		lang := ""
		for _, m := range ms {
			if !i18n.Supported(m.Lang) || (lang != "" && m.Lang != lang) {
				return ""
			}
			lang = m.Lang
		}
		return lang
	}
	if l := shared(append(append([]program.PairMember(nil), p.Mentors...), p.Mentees...)); l != "" {
		return l
	}
	if l := shared(p.Mentees); l != "" {
		return l
	}
	return prog.DefaultLanguage
}

// checkReview refuses an agreement review meeting the pair cannot book
// now: only while its agreement is in force (program.ActFollowUp), and
// only one at a time.
func checkReview(ctx context.Context, tx *store.Tx, p *program.Pair, now time.Time) error {
	if !p.Allows(now, program.ActFollowUp) {
		return errs.E(errs.Conflict, "meeting.error.review_not_now")
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meetings WHERE pair_id = ? AND purpose = ? AND status <> 'cancelled'`,
		p.ID, PurposeReview).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errs.E(errs.Conflict, "meeting.error.review_booked")
	}
	return nil
}

// prefillReview writes the review agenda into a newly booked review
// meeting, in the pair's language, as a first version the mentee can edit.
func prefillReview(ctx context.Context, tx *store.Tx, p *program.Pair, actor *account.User, meetingID int64, now time.Time) error {
	prog, err := program.OfPair(ctx, tx, p)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO agendas (meeting_id, version, updated_by, updated_at) VALUES (?, 1, ?, ?)`,
		meetingID, actor.ID, now); err != nil {
		return err
	}
	for i, it := range ReviewAgenda(PairLanguage(p, prog)) {
		if _, err := tx.Exec(ctx, `INSERT INTO agenda_items (meeting_id, position, source, title, note) VALUES (?, ?, ?, ?, ?)`,
			meetingID, i, it.Source, it.Title, it.Note); err != nil {
			return err
		}
	}
	return nil
}
