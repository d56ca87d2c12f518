package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/announce"
	"mentorskap/internal/event"
	"mentorskap/internal/outcome"
	"mentorskap/internal/question"
	"mentorskap/internal/resource"
	"mentorskap/internal/store"
)

// The program's own pieces around the pairs: its own questions and the
// participants' answers, a kick-off that has been held and a network
// meeting to come, an announcement to the mentors, two resources and the
// outcome follow-up. Each is added only when the program has none of its
// kind yet, so a second run, or a run on a demo made before these existed,
// adds what is missing and leaves the coordinator's own changes alone.

// The program's own questions. The sector is a matching criterion; the
// situation on the labour market is asked of mentees for the funder's
// report.
var (
	sectorQuestion = question.Input{
		Kind:  question.KindOne,
		Label: "Hvilken bransje hører du hjemme i?",
		Help:  "Vi prøver å sette sammen mentor og adept fra samme bransje.",
		Options: "IT og teknologi\nIngeniørfag og bygg\nHelse og omsorg\nØkonomi og administrasjon\n" +
			"Undervisning og forskning\nAnnet",
		Audience: question.AudienceAll, Visibility: question.VisiblePartner,
	}
	situationQuestion = question.Input{
		Kind:  question.KindOne,
		Label: "Hva gjør du i dag?",
		Help:  "Svaret ser bare koordinatoren, og det telles uten navn i rapporten til dem som finansierer programmet.",
		Options: "Arbeidssøker\nI jobb, men ikke innen faget mitt\nI jobb innen faget mitt\n" +
			"Introduksjonsprogram eller norskkurs\nUtdanning eller godkjenning av utdanning",
		Audience: question.AudienceMentee, Visibility: question.VisibleCoordinator, Reporting: true,
	}
)

// sectorWeight is how much a shared sector counts in the proposals.
const sectorWeight = 3

// answers gives each demo person's choices: the option's line in the
// question's list, counted from 0.
var answers = map[string]struct{ sector, situation int }{
	kristian: {0, -1}, sofie: {3, -1}, elin: {1, -1}, johan: {0, -1}, dewi: {4, -1},
	james: {0, -1}, ragnhild: {2, -1}, arild: {1, -1}, gustav: {1, -1},
	ahmad: {3, 1}, siti: {4, 3}, putu: {0, 2}, olena: {3, 0}, linnea: {1, 0},
	yusuf: {0, 3}, amira: {3, 0}, leila: {2, 4}, daniel: {1, 2}, "rizky.pratama@example.org": {0, 0},
}

// extras adds what the program is missing of its own questions, events,
// announcements, resources and follow-up, each at its moment in the story.
func (s *seeder) extras(ctx context.Context, coord *account.User) error {
	for _, step := range []struct {
		what string
		do   func(context.Context, *account.User) error
	}{
		{"questions", s.questions},
		{"resources", s.resources},
		{"events", s.events},
		{"announcement", s.announcement},
		{"follow-up", s.followUp},
		{"questionnaires", s.questionnaires},
	} {
		if err := step.do(ctx, coord); err != nil {
			return fmt.Errorf("demo %s: %w", step.what, err)
		}
	}
	s.clk.Set(s.today)
	return nil
}

func (s *seeder) count(ctx context.Context, query string) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, query, s.prog.ID).Scan(&n)
	return n, err
}

// questions adds the two questions while the program is being set up and
// has everyone answer them when they apply.
func (s *seeder) questions(ctx context.Context, coord *account.User) error {
	if n, err := s.count(ctx, `SELECT COUNT(*) FROM program_questions WHERE program_id = ?`); err != nil || n > 0 {
		return err
	}
	qs := &question.Service{DB: s.db, Clock: s.clk}
	s.set(s.at(programStart-12, "14:00"))
	sector, err := qs.Add(ctx, coord, s.prog.ID, "nb", sectorQuestion)
	if err != nil {
		return err
	}
	if err := qs.SetCriterion(ctx, coord, s.prog.ID, sector, question.Criterion{Mode: question.MatchSame, Weight: sectorWeight}); err != nil {
		return err
	}
	situation, err := qs.Add(ctx, coord, s.prog.ID, "nb", situationQuestion)
	if err != nil {
		return err
	}
	list, err := question.List(ctx, s.db, s.prog.ID)
	if err != nil {
		return err
	}
	option := func(id int64, k int) string {
		for _, q := range list {
			if q.ID == id && k >= 0 && k < len(q.Options) {
				return strconv.FormatInt(q.Options[k].ID, 10)
			}
		}
		return ""
	}
	for _, group := range [][]person{mentors, mentees} {
		for i, p := range group {
			a, ok := answers[p.Email]
			u := s.users[p.Email]
			if !ok || u == nil {
				continue
			}
			// Right after applying, as the form asks.
			at := s.at(programStart-10+i%6, fmt.Sprintf("%02d:%02d", 18+i%4, 7*i%60+2))
			if p.Pending {
				at = s.at(-1, "21:20")
			}
			s.set(at)
			given := map[int64][]string{sector: {option(sector, a.sector)}}
			if a.situation >= 0 {
				given[situation] = []string{option(situation, a.situation)}
			}
			if err := qs.SaveMine(ctx, u, s.prog.ID, given); err != nil {
				return fmt.Errorf("answers of %s: %w", p.Email, err)
			}
		}
	}
	return nil
}

// guide is the small text file among the resources, made here so the demo
// needs no files of its own.
const guide = `Slik får dere mest ut av mentorsamtalene

1. Avtal neste møte før dere går fra hverandre.
2. Adepten setter dagsordenen: skriv inn temaene noen dager før.
3. Skriv et kort referat samme dag, mens dere husker det.
4. Følg opp det dere ble enige om, og kryss av når det er gjort.
5. Står dere fast, ta kontakt med koordinatoren. Det er ingen skam.

Lykke til!
Marte Solberg, koordinator
`

// resources adds a link for everyone and a short guide for the pairs.
func (s *seeder) resources(ctx context.Context, coord *account.User) error {
	if n, err := s.count(ctx, `SELECT COUNT(*) FROM resources WHERE program_id = ?`); err != nil || n > 0 {
		return err
	}
	s.set(s.at(programStart-3, "11:00"))
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := resource.AddLink(ctx, tx, s.clk.Now(), s.prog.ID, coord.ID, resource.Input{
			Title: "Godkjenning av utenlandsk utdanning (HK-dir)", Audience: resource.AudienceMentees,
			URL: "https://hkdir.no/utenlandsk-utdanning",
		}); err != nil {
			return err
		}
		_, err := resource.AddFile(ctx, tx, s.clk.Now(), s.prog.ID, coord.ID, resource.Input{
			Title: "Fem råd for gode mentorsamtaler", Audience: resource.AudienceAll,
		}, "fem-rad-for-mentorsamtaler.txt", []byte(guide))
		return err
	})
}

// events holds a kick-off at the start, with answers and attendance, and plans
// a network meeting two weeks or so from now that some have answered.
func (s *seeder) events(ctx context.Context, coord *account.User) error {
	if n, err := s.count(ctx, `SELECT COUNT(*) FROM events WHERE program_id = ?`); err != nil || n > 0 {
		return err
	}
	ev := &event.Service{DB: s.db, Clock: s.clk, Bundle: s.bundle}
	s.set(s.at(programStart-1, "15:00"))
	held := s.midweek(programStart + 2)
	kickoff, err := ev.Create(ctx, coord, s.prog.ID, event.Input{
		Kind: event.KindKickoff, Title: "Oppstartssamling",
		Description: "Vi blir kjent med hverandre, går gjennom hvordan programmet fungerer, og hvert par får tid til sin første prat.",
		Date:        s.date(held), Start: "17:00", End: "19:30", Timezone: zone,
		Place: "Deichman Bjørvika, Anne-Cath. Vestlys plass 1, Oslo", Audience: event.AudienceAll,
	})
	if err != nil {
		return err
	}
	// Nearly everyone said yes the evening before; Linnea was not sure,
	// and did not come.
	came := []int64{}
	for k, p := range append(append([]person{}, mentors...), mentees...) {
		if p.Pending {
			continue
		}
		s.set(s.at(programStart-1, fmt.Sprintf("%02d:%02d", 16+k%6, 3*k)))
		answer := event.Yes
		if p.Email == linnea {
			answer = event.Maybe
		} else {
			came = append(came, s.users[p.Email].ID)
		}
		if _, err := ev.Respond(ctx, s.users[p.Email], s.prog.ID, kickoff.ID, answer); err != nil {
			return fmt.Errorf("answer of %s: %w", p.Email, err)
		}
	}
	s.set(s.at(held+1, "09:00"))
	if _, err := ev.SetAttendance(ctx, coord, s.prog.ID, kickoff.ID, came); err != nil {
		return err
	}

	s.set(s.at(-9, "10:00"))
	network, err := ev.Create(ctx, coord, s.prog.ID, event.Input{
		Kind: event.KindNetwork, Title: "Nettverksmøte: Veien inn i bransjen",
		Description: "Tre tidligere deltakere forteller hvordan de fikk sin første jobb i Norge. Etterpå blir det mingling med noe å bite i.",
		Date:        s.date(s.midweek(12)), Start: "18:00", End: "20:00", Timezone: zone,
		Place: "Oslo Science Park, Gaustadalléen 21, Oslo", Audience: event.AudienceAll, Capacity: 40,
	})
	if err != nil {
		return err
	}
	for k, r := range []struct {
		who, answer string
	}{
		{ahmad, event.Yes}, {kristian, event.Yes}, {siti, event.Maybe}, {johan, event.No},
		{leila, event.Yes}, {ragnhild, event.Yes}, {dewi, event.Maybe}, {elin, event.No}, {amira, event.Yes},
	} {
		s.set(s.at(-8+k/2, fmt.Sprintf("%02d:%02d", 12+k, 5*k)))
		if _, err := ev.Respond(ctx, s.users[r.who], s.prog.ID, network.ID, r.answer); err != nil {
			return fmt.Errorf("answer of %s: %w", r.who, err)
		}
	}
	return nil
}

// midweek is the first Tuesday, Wednesday or Thursday from day on: the
// program meets on weekday evenings.
func (s *seeder) midweek(day int) int {
	for {
		switch s.at(day, "12:00").In(s.oslo).Weekday() {
		case time.Tuesday, time.Wednesday, time.Thursday:
			return day
		}
		day++
	}
}

// announcement tells the mentors about the midpoint, a few days ago.
func (s *seeder) announcement(ctx context.Context, coord *account.User) error {
	s.set(s.at(-4, "08:45"))
	an := &announce.Service{DB: s.db, Clock: s.clk}
	_, _, err := an.Send(ctx, coord, s.prog.ID, &announce.Draft{
		Segment: announce.SegmentMentors, Language: "nb", SendKey: "demo-mentors-midway",
		Subject: "Takk for innsatsen så langt",
		Body: "Hei, alle mentorer!\n\nVi er godt over halvveis i programmet. Flere adepter har allerede vært på intervju, " +
			"og én har fått jobb. Takk for tiden dere gir.\n\nHusk nettverksmøtet om drøyt to uker, og svar gjerne på " +
			"invitasjonen så vi vet hvor mange som kommer. Har dere spørsmål om avslutningen av parene, ta kontakt.\n\n" +
			"Hilsen Marte",
	})
	return err
}

// followUp switches the outcome follow-up on for mentees.
func (s *seeder) followUp(ctx context.Context, coord *account.User) error {
	if n, err := s.count(ctx, `SELECT COUNT(*) FROM outcome_settings WHERE program_id = ?`); err != nil || n > 0 {
		return err
	}
	s.set(s.at(programStart-5, "10:00"))
	out := &outcome.Service{DB: s.db, Clock: s.clk}
	return out.SetSettings(ctx, coord, s.prog.ID, outcome.Settings{Enabled: true})
}

// gustav is the mentor still waiting for approval.
const gustav = "gustav.ek@example.org"

// questionnaires sends the follow-up that has fallen due, as the server's
// hourly sweep would have a few days ago, for the demo's program only:
// Daniel left three months ago, so his first questionnaire is open. The
// other ended pairs get theirs from serve when the time comes.
func (s *seeder) questionnaires(ctx context.Context, _ *account.User) error {
	s.set(s.at(-5, "07:00"))
	_, err := outcome.ScanProgram(ctx, s.db, nil, s.clk.Now(), s.prog.ID)
	return err
}
