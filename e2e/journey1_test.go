package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourney1 follows one mentoring pair from the program's creation to
// its 30-day follow-up, with three people in three browsers: a coordinator
// working in English, a mentor in Norwegian and a mentee in Swedish. Every
// step is done with the keyboard; every main page is checked for
// accessibility and phone width; the meeting's agenda and notes never reach
// a page the coordinator opens.
func TestJourney1(t *testing.T) {
	t.Parallel()
	needAxe(t)
	s := startServer(t)
	const (
		coordEmail  = "kari.koordinator@example.org"
		coordName   = "Kari Koordinator"
		coordPass   = "koordinator-passord-1"
		mentorEmail = "nils.nordmann@example.org"
		mentorName  = "Nils Nordmann"
		mentorPass  = "mentor-passord-12345"
		menteeEmail = "sara.svensson@example.org"
		menteeName  = "Sara Svensson"
		menteePass  = "adept-losenord-12345"
		program     = "Ny i arbeidslivet 2027"
		// Distinctive texts that belong to the pair alone: the coordinator
		// must never see them.
		agendaTopic  = "Lönesamtal-övning XQ7"
		agendaNote   = "Hur förbereder jag mig inför lönesamtalet ZR4"
		notesToday   = "Vi øvde på lønnssamtalet PK9"
		actionText   = "Skriv ned tre argument for lønn MV2"
		menteeEdited = "Jag förbereder varje möte med en fråga WB3"
	)
	secrets := []string{agendaTopic, agendaNote, notesToday, actionText}

	s.addUser(t, coordEmail, coordName, "coordinator", coordPass)
	coord := newBrowser(t)
	mentor := newBrowser(t)
	mentee := newBrowser(t)

	// coordinatorSees checks a coordinator page: never the pair's private
	// texts.
	coordinatorSees := func() {
		t.Helper()
		mustNotSee(t, coord, append(secrets, menteeEdited)...)
	}

	// --- The coordinator creates the program. ---
	login(t, coord, s, coordEmail, coordPass)
	open(t, coord, s, "/programs/new", "#f-name")
	mustSee(t, coord, tr(t, "en", "program.new"))
	fill(t, coord, "#f-name", program)
	fill(t, coord, "#f-purpose", "Hjelpe nyutdannede inn i sin første jobb.")
	fill(t, coord, "#f-goals", "Trygghet i arbeidslivet")
	choose(t, coord, "#f-default_language", "nb")
	shot(t, coord, "program-new")
	checkPage(t, coord, "program-new")
	submit(t, coord, `main form[action="/programs"] button.primary`)
	mustSee(t, coord, program, tr(t, "en", "program.created"))
	progID := s.queryString(t, `SELECT id FROM programs WHERE name = ?`, program)
	progPath := "/programs/" + progID
	coordinatorSees()
	shot(t, coord, "program-overview")
	checkPage(t, coord, "program-overview")
	// The new program shows its launch steps in order; inviting people is
	// the step to take now, and matching is not offered before anyone is
	// approved.
	mustSee(t, coord, tr(t, "en", "launch.title"), tr(t, "en", "launch.step.rules"), tr(t, "en", "launch.step.template"),
		tr(t, "en", "launch.step.plan"), tr(t, "en", "launch.step.first_meetings"), tr(t, "en", "launch.detail.invite.none"))
	if next := eval[string](t, coord, `(document.querySelector('main [aria-current="step"]') || {}).innerText || ''`); !strings.Contains(next, tr(t, "en", "launch.step.invite")) {
		t.Errorf("the launch checklist's current step reads %q, want the invitations", next)
	}
	if eval[int](t, coord, `document.querySelectorAll('.launch-blocked a').length`) != 0 {
		t.Error("a launch step that cannot be taken yet is a link")
	}
	// The empty dashboard says what is missing and links to that step.
	open(t, coord, s, progPath+"/dashboard", "main h1")
	mustSee(t, coord, tr(t, "en", "launch.missing_title"), tr(t, "en", "launch.detail.invite.none"))
	shot(t, coord, "dashboard-empty")
	checkPage(t, coord, "dashboard-empty")
	open(t, coord, s, progPath, "main h1")
	press(t, coord, `.launch-next a.button.primary`)
	if got := eval[string](t, coord, `location.pathname`); got != progPath+"/invitations" {
		t.Fatalf("the launch checklist's next step led to %s", got)
	}
	open(t, coord, s, progPath, "main h1")

	// --- It invites a mentor and a mentee by email. ---
	press(t, coord, `a[href="`+progPath+`/invitations"]`)
	run(t, coord, chromedp.WaitVisible(chromedp.CSS("#f-email")))
	mustSee(t, coord, tr(t, "en", "enrol.invitations.title"))
	for _, inv := range []struct{ email, name, role string }{
		{mentorEmail, mentorName, "mentor"},
		{menteeEmail, menteeName, "mentee"},
	} {
		fill(t, coord, "#f-email", inv.email)
		fill(t, coord, "#f-name", inv.name)
		choose(t, coord, "#f-role", inv.role)
		// The invitation itself goes out in English; each person picks
		// their own language when they create the account.
		choose(t, coord, "#f-language", "en")
		submit(t, coord, `main form[action="`+progPath+`/invitations"] button.primary`)
		run(t, coord, chromedp.WaitVisible(chromedp.CSS("#f-email")))
		mustSee(t, coord, inv.email)
	}
	shot(t, coord, "invitations")
	checkPage(t, coord, "invitations")
	// Invitations are done; the approvals wait for people to accept.
	open(t, coord, s, progPath, "main h1")
	mustSee(t, coord, tr(t, "en", "launch.detail.invite.sent", "count", 2, "total", 0), tr(t, "en", "launch.detail.approve.nobody"))
	shot(t, coord, "program-overview-invited")

	mentorLink := s.lastMailTo(t, mentorEmail, program).link(t, "/invite/")
	menteeLink := s.lastMailTo(t, menteeEmail, program).link(t, "/invite/")

	// --- Both join through their links: the mentor in Norwegian, the
	// mentee in Swedish. ---
	join := func(b context.Context, link, name, pass, lang, role string) {
		t.Helper()
		run(t, b, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#f-password")))
		mustSee(t, b, program)
		fill(t, b, "#f-name", name)
		fill(t, b, "#f-password", pass)
		choose(t, b, "#f-language", lang)
		submit(t, b, `main form button.primary`)
		run(t, b, chromedp.WaitVisible(chromedp.CSS(`#f-location`)))
		if got := htmlLang(t, b); got != lang {
			t.Errorf("%s's pages are in %q after choosing %q", name, got, lang)
		}
		mustSee(t, b, tr(t, lang, "enrol.profile.title"), tr(t, lang, "enrol.accepted"),
			tr(t, lang, "enrol.profile.pending"), tr(t, lang, "enrol.role."+role))
	}
	join(mentor, mentorLink, mentorName, mentorPass, "nb", "mentor")
	shot(t, mentor, "mentor-profile")
	checkPage(t, mentor, "mentor-profile")
	join(mentee, menteeLink, menteeName, menteePass, "sv", "mentee")

	// --- They fill in their profiles. Both speak Norwegian, Swedish and
	// English, so matching finds a shared language, and both can meet at
	// the first time slot offered. ---
	profile := func(b context.Context, lang string, mentorSide bool) {
		t.Helper()
		for _, l := range []string{"nb", "sv", "en"} {
			if !eval[bool](t, b, `document.getElementById('f-lang-`+l+`').checked`) {
				press(t, b, "#f-lang-"+l)
			}
		}
		fill(t, b, "#f-location", "Oslo")
		fill(t, b, "#f-field", "Økonomi")
		if mentorSide {
			fill(t, b, "#f-skills", "Lønnsforhandling\nFørste jobb")
			fill(t, b, "#f-capacity", "2")
		} else {
			fill(t, b, "#f-needs", "Lönesamtal\nFörsta jobbet")
		}
		fill(t, b, "#f-goals", "Komma in i arbetslivet")
		slots := eval[[]string](t, b, `[...document.querySelectorAll('input[name=meeting_times]')].map(e => e.id)`)
		if len(slots) == 0 {
			t.Fatal("the profile offers no meeting times")
		}
		if !eval[bool](t, b, `document.getElementById('`+slots[0]+`').checked`) {
			press(t, b, "#"+slots[0])
		}
		submit(t, b, `main form[action$="/profile"] button.primary`)
		run(t, b, chromedp.WaitVisible(chromedp.CSS(`#f-location`)))
		mustSee(t, b, tr(t, lang, "enrol.profile_saved_pending"))
	}
	profile(mentor, "nb", true)
	profile(mentee, "sv", false)
	shot(t, mentee, "mentee-profile")
	checkPage(t, mentee, "mentee-profile")

	// --- The coordinator approves both. ---
	open(t, coord, s, progPath+"/participants", "main h1")
	mustSee(t, coord, mentorName, menteeName)
	shot(t, coord, "participants")
	checkPage(t, coord, "participants")
	for _, email := range []string{mentorEmail, menteeEmail} {
		uid := s.queryString(t, `SELECT id FROM users WHERE email = ?`, email)
		submit(t, coord, `form[action="`+progPath+`/participants/`+uid+`/approve"] button`)
	}
	if n := s.queryString(t, `SELECT COUNT(*) FROM participants WHERE program_id = ? AND status = 'approved'`, progID); n != "2" {
		t.Fatalf("approved participants: %s, want 2", n)
	}

	// --- It runs matching and publishes the pair. ---
	open(t, coord, s, progPath+"/matching", "main h1")
	submit(t, coord, `form[action="`+progPath+`/matching/run"] button`)
	run(t, coord, chromedp.WaitVisible(chromedp.CSS(`form[action="`+progPath+`/matching/publish"] button`)))
	mustSee(t, coord, menteeName, mentorName)
	shot(t, coord, "matching")
	checkPage(t, coord, "matching")
	submit(t, coord, `form[action="`+progPath+`/matching/publish"] button`)
	pairID := s.queryString(t, `SELECT id FROM pairs WHERE program_id = ?`, progID)
	if pairID == "" {
		t.Fatal("publishing made no pair")
	}
	pairPath := "/pairs/" + pairID
	coordinatorSees()
	// Launched, the checklist folds away under its summary, which still
	// names the step left; opened, it shows every step's state.
	open(t, coord, s, progPath, "main h1")
	mustSee(t, coord, tr(t, "en", "launch.state.next")+": "+tr(t, "en", "launch.step.first_meetings"))
	press(t, coord, `.launch summary`)
	mustSee(t, coord, tr(t, "en", "launch.detail.publish.published", "count", 1),
		tr(t, "en", "launch.detail.first_meetings.some_met", "count", 0, "total", 1))
	shot(t, coord, "program-overview-launched")

	// --- Both find the pair on their home page and answer the
	// preparation questions. ---
	prep := func(b context.Context, lang, answer string) {
		t.Helper()
		open(t, b, s, "/", "main h1")
		mustSee(t, b, program)
		open(t, b, s, pairPath, "main h1")
		press(t, b, `a[href="`+pairPath+`/preparation"]`)
		run(t, b, chromedp.WaitVisible(chromedp.CSS(`main form[action="`+pairPath+`/preparation"]`)))
		mustSee(t, b, tr(t, lang, "prep.title"))
		fields := eval[[]string](t, b, `[...document.querySelectorAll('main textarea[name^="q."]')].map(e => e.id)`)
		if len(fields) == 0 {
			t.Fatal("the preparation has no questions")
		}
		for i, id := range fields {
			fill(t, b, `[id="`+id+`"]`, fmt.Sprintf("%s %d", answer, i+1))
		}
		submit(t, b, `main form[action="`+pairPath+`/preparation"] button.primary`)
		mustSee(t, b, tr(t, lang, "prep.saved"))
		if got := eval[string](t, b, `document.getElementById('`+fields[0]+`').value`); got != answer+" 1" {
			t.Fatalf("the saved preparation shows %q, want %q", got, answer+" 1")
		}
	}
	prep(mentor, "nb", "Hver tredje uke, på kveldstid")
	shot(t, mentor, "preparation")
	checkPage(t, mentor, "preparation")
	prep(mentee, "sv", "Varannan vecka, gärna på kvällen")

	// --- The mentor drafts the agreement, the mentee edits it, both sign. ---
	open(t, mentor, s, pairPath+"/agreement/edit", `[id="f-goals.0.title"]`)
	mustSee(t, mentor, tr(t, "nb", "agreement.edit_title"))
	fill(t, mentor, `[id="f-goals.0.title"]`, "Forberede lønnssamtalet")
	fill(t, mentor, `[id="f-mentor.will"]`, "Jeg svarer innen to dager")
	shot(t, mentor, "agreement-edit")
	checkPage(t, mentor, "agreement-edit")
	submit(t, mentor, `main form[action="`+pairPath+`/agreement/edit"] button.primary`)
	mustSee(t, mentor, "Forberede lønnssamtalet")

	open(t, mentee, s, pairPath+"/agreement/edit", `[id="f-mentee.will"]`)
	mustSee(t, mentee, tr(t, "sv", "agreement.edit_title"))
	if got := eval[string](t, mentee, `document.getElementById('f-goals.0.title').value`); got != "Forberede lønnssamtalet" {
		t.Fatalf("the mentee's draft starts from %q, not the mentor's saved goal", got)
	}
	fill(t, mentee, `[id="f-mentee.will"]`, menteeEdited)
	submit(t, mentee, `main form[action="`+pairPath+`/agreement/edit"] button.primary`)
	run(t, mentee, chromedp.WaitVisible(chromedp.CSS("#f-typed_name")))
	mustSee(t, mentee, menteeEdited, tr(t, "sv", "agreement.signatures_title", "n", 2))

	sign := func(b context.Context, name, pass string) {
		t.Helper()
		open(t, b, s, pairPath+"/agreement", "#f-typed_name")
		fill(t, b, "#f-typed_name", name)
		fill(t, b, "#f-password", pass)
		submit(t, b, `form[action="`+pairPath+`/agreement/sign"] button`)
	}
	sign(mentor, mentorName, mentorPass)
	mustSee(t, mentor, tr(t, "nb", "agreement.waiting_for", "names", menteeName))
	shot(t, mentor, "agreement-signed-by-mentor")
	checkPage(t, mentor, "agreement-signed-by-mentor")
	sign(mentee, menteeName, menteePass)
	mustSee(t, mentee, tr(t, "sv", "agreement.both_signed"))

	// --- The mentee downloads the signed agreement as a PDF. ---
	open(t, mentee, s, pairPath+"/agreement/versions/2", `a[href$="/pdf"]`)
	shot(t, mentee, "agreement-version")
	checkPage(t, mentee, "agreement-version")
	type pdfCheck struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Head   string `json:"head"`
		Size   int    `json:"size"`
	}
	pdf := eval[pdfCheck](t, mentee, `(async () => {
		const r = await fetch(document.querySelector('a[href$="/pdf"]').href, {credentials: 'same-origin'});
		const b = new Uint8Array(await r.arrayBuffer());
		return {status: r.status, type: r.headers.get('Content-Type') || '', head: String.fromCharCode(...b.slice(0, 5)), size: b.length};
	})()`, chromedp.EvalAwaitPromise)
	if pdf.Status != 200 || !strings.HasPrefix(pdf.Type, "application/pdf") || pdf.Head != "%PDF-" || pdf.Size < 1000 {
		t.Errorf("agreement PDF: status %d, type %q, starts %q, %d bytes", pdf.Status, pdf.Type, pdf.Head, pdf.Size)
	}

	// --- The mentor offers three times for a meeting; the mentee picks
	// the second from her start page. ---
	first := time.Now().UTC().AddDate(0, 0, 7)
	open(t, mentor, s, pairPath, "main h1")
	mustSee(t, mentor, tr(t, "nb", "pairhome.no_meeting"), tr(t, "nb", "pairhome.title", "names", menteeName))
	if got := htmlLang(t, mentor); got != "nb" {
		t.Errorf("the mentor's pair page is in %q, want nb", got)
	}
	press(t, mentor, `main a[href="`+pairPath+`/meetings/new"]`)
	run(t, mentor, chromedp.WaitVisible(chromedp.CSS("#f-date")))
	fill(t, mentor, "#f-date", first.Format("2006-01-02"))
	fill(t, mentor, "#f-time", "17:00")
	fill(t, mentor, "#f-timezone", "Europe/Oslo")
	fill(t, mentor, "#f-date_2", first.AddDate(0, 0, 1).Format("2006-01-02"))
	fill(t, mentor, "#f-time_2", "17:00")
	fill(t, mentor, "#f-date_3", first.AddDate(0, 0, 2).Format("2006-01-02"))
	fill(t, mentor, "#f-time_3", "08:30")
	fill(t, mentor, "#f-place", "Kafé Glad, Oslo")
	shot(t, mentor, "meeting-new")
	checkPage(t, mentor, "meeting-new")
	submit(t, mentor, `main form button.primary`)
	meetingID := s.queryString(t, `SELECT MAX(id) FROM meetings WHERE pair_id = ?`, pairID)
	meetingPath := pairPath + "/meetings/" + meetingID

	// The start page says what to do now: answer the proposal.
	open(t, mentee, s, "/", "main h1")
	mustSee(t, mentee, tr(t, "sv", "home.pair_with", "names", mentorName), program, tr(t, "sv", "pairhome.next_meeting"))
	shot(t, mentee, "home-proposal")
	checkPage(t, mentee, "home-proposal")
	press(t, mentee, `main .pair-now a.button.primary[href="`+meetingPath+`"]`)
	run(t, mentee, chromedp.WaitVisible(chromedp.CSS(`form[action="`+meetingPath+`/accept"] button.primary`)))
	if n := eval[int](t, mentee, `document.querySelectorAll('main input[name=option]').length`); n != 3 {
		t.Fatalf("the proposal offers %d times, want 3", n)
	}
	shot(t, mentee, "meeting-proposed")
	checkPage(t, mentee, "meeting-proposed")
	press(t, mentee, "#option-2")
	submit(t, mentee, `form[action="`+meetingPath+`/accept"] button.primary`)
	mustSee(t, mentee, tr(t, "sv", "meeting.state.confirmed"))
	if got, want := s.queryString(t, `SELECT starts_at FROM meetings WHERE id = ?`, meetingID), first.AddDate(0, 0, 1).Format("2006-01-02"); !strings.Contains(got, want) {
		t.Fatalf("the accepted meeting starts %s, want the second option on %s", got, want)
	}

	// --- The mentee prepares the agenda, the one thing her start page
	// now asks of her, and puts her main topic first with a button. ---
	open(t, mentee, s, "/", "main h1")
	mustSee(t, mentee, tr(t, "sv", "home.agenda_yours"))
	press(t, mentee, `main .pair-now a.button.primary[href="`+meetingPath+`/agenda"]`)
	run(t, mentee, chromedp.WaitVisible(chromedp.CSS("#f-title_0")))
	fill(t, mentee, "#f-title_0", "Kaffe och presentation")
	fill(t, mentee, "#f-title_1", agendaTopic)
	fill(t, mentee, "#f-text_1", agendaNote)
	submit(t, mentee, `main form[method="post"] button.primary`)
	mustSee(t, mentee, agendaTopic, agendaNote)
	// Move up by keyboard: with the script the row moves in place, and
	// saving keeps the new order.
	run(t, mentee, chromedp.Focus(`#topic-1 button[data-row-op="up"]`), chromedp.KeyEvent("\r"))
	if got := eval[string](t, mentee, `document.querySelector('fieldset.notes-row input[type=text]').value`); got != agendaTopic {
		t.Fatalf("after moving up, the first topic is %q", got)
	}
	submit(t, mentee, `main form[method="post"] button.primary`)
	order := eval[[]string](t, mentee, `[...document.querySelectorAll('main ol.notes-items > li > strong')].map(e => e.innerText)`)
	if len(order) != 2 || order[0] != agendaTopic {
		t.Fatalf("the saved agenda reads %q, want %q first", order, agendaTopic)
	}
	shot(t, mentee, "agenda")
	checkPage(t, mentee, "agenda")

	// The meeting has to have taken place before the mentor writes notes
	// about it and before it counts as held. Rather than give the product a
	// test-only clock, move the meeting's start two hours into the past in
	// the database, as if a week had gone by.
	held := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Minute)
	if n := s.execSQL(t, `UPDATE meetings SET starts_at = ? WHERE id = ?`, held, meetingID); n != 1 {
		t.Fatalf("moving the meeting changed %d rows", n)
	}

	// --- The mentor writes notes with an action item and books the next
	// meeting. ---
	open(t, mentor, s, meetingPath+"/notes", "#f-today")
	mustSee(t, mentor, agendaTopic)
	fill(t, mentor, "#f-today", notesToday)
	submit(t, mentor, `main form[action="`+meetingPath+`/notes"] button.primary`)
	run(t, mentor, chromedp.WaitVisible(chromedp.CSS("#a0-text")))
	mustSee(t, mentor, notesToday)
	fill(t, mentor, "#a0-text", actionText)
	menteeID := s.queryString(t, `SELECT id FROM users WHERE email = ?`, menteeEmail)
	choose(t, mentor, "#a0-owner", menteeID)
	fill(t, mentor, "#a0-due", time.Now().UTC().AddDate(0, 0, 10).Format("2006-01-02"))
	submit(t, mentor, `main form.notes-action button`)
	mustSee(t, mentor, actionText, menteeName)
	shot(t, mentor, "notes")
	checkPage(t, mentor, "notes")

	press(t, mentor, `main .notes-next a.button`)
	run(t, mentor, chromedp.WaitVisible(chromedp.CSS("#f-date")))
	next := time.Now().UTC().AddDate(0, 0, 21)
	fill(t, mentor, "#f-date", next.Format("2006-01-02"))
	fill(t, mentor, "#f-time", "17:00")
	fill(t, mentor, "#f-place", "Kafé Glad, Oslo")
	submit(t, mentor, `main form button.primary`)
	if n := s.queryString(t, `SELECT COUNT(*) FROM meetings WHERE pair_id = ? AND starts_at > ?`, pairID, time.Now().UTC()); n != "1" {
		t.Fatalf("meetings booked ahead: %s, want 1 (%s)\n%s", n,
			s.queryString(t, `SELECT group_concat(id || ' ' || status || ' ' || starts_at, '; ') FROM meetings`), pageText(t, mentor))
	}

	// The mentee reads the shared notes, and sees the action item on the
	// pair's page, still in Swedish.
	open(t, mentee, s, meetingPath+"/notes", "main h1")
	mustSee(t, mentee, notesToday, actionText, tr(t, "sv", "notes.shared"))
	open(t, mentee, s, pairPath, "main h1")
	if got := htmlLang(t, mentee); got != "sv" {
		t.Errorf("the mentee's pair page is in %q, want sv", got)
	}
	mustSee(t, mentee, actionText, tr(t, "sv", "pairhome.actions"))
	shot(t, mentee, "pair-home")
	checkPage(t, mentee, "pair-home")

	// --- 30 days after signing, both answer the follow-up. The product
	// schedules it for 30 days after the signature and opens it a week
	// before; move its date to tomorrow in the database instead of
	// waiting a month (or adding a test-only clock to the product). ---
	due := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Minute)
	if n := s.execSQL(t, `UPDATE checkpoints SET due_at = ? WHERE pair_id = ? AND kind = 'followup'`, due, pairID); n != 1 {
		t.Fatalf("the follow-up was not scheduled when the agreement was signed (%d rows)", n)
	}
	followup := func(b context.Context, lang string) {
		t.Helper()
		open(t, b, s, pairPath, "main h1")
		mustSee(t, b, tr(t, lang, "evaluation.kind.followup"))
		press(t, b, `main a[href="`+pairPath+`/evaluations/followup"]`)
		run(t, b, chromedp.WaitVisible(chromedp.CSS(`main form[action="`+pairPath+`/evaluations/followup"]`)))
		mustSee(t, b, tr(t, lang, "checkpoint.title.followup"))
		// One answer per question: the fourth step of each scale, yes,
		// the first option, a sentence.
		type question struct {
			Name, Kind string
		}
		qs := eval[[]question](t, b, `(() => {
			const out = [], seen = new Set();
			for (const el of document.querySelectorAll('main form input[type=radio], main form textarea')) {
				if (seen.has(el.name)) continue;
				seen.add(el.name);
				out.push({Name: el.name, Kind: el.tagName === 'TEXTAREA' ? 'text' : 'radio'});
			}
			return out;
		})()`)
		if len(qs) == 0 {
			t.Fatal("the follow-up has no questions")
		}
		for _, q := range qs {
			if q.Kind == "text" {
				fill(t, b, `textarea[name="`+q.Name+`"]`, "Det går bra, takk.")
				continue
			}
			values := eval[[]string](t, b, `[...document.querySelectorAll('input[name="`+q.Name+`"]')].map(e => e.value)`)
			pick := values[0]
			for _, v := range values {
				if v == "4" || v == "yes" {
					pick = v
				}
			}
			press(t, b, `input[name="`+q.Name+`"][value="`+pick+`"]`)
		}
		submit(t, b, `main form[action="`+pairPath+`/evaluations/followup"] button.primary`)
		mustSee(t, b, tr(t, lang, "checkpoint.saved_flash"))
	}
	followup(mentor, "nb")
	shot(t, mentor, "followup")
	checkPage(t, mentor, "followup")
	followup(mentee, "sv")

	// --- The coordinator's dashboard shows the pair on track, and none of
	// the pair's own words. ---
	open(t, coord, s, progPath+"/dashboard", "main h1")
	mustSee(t, coord, mentorName, menteeName)
	row := eval[string](t, coord, `(() => {
		const a = document.querySelector('main a[href="`+pairPath+`"]');
		return a ? a.closest('tr').innerText : '';
	})()`)
	if !strings.Contains(row, tr(t, "en", "health.severity.ok")) {
		t.Errorf("the dashboard does not show the pair as %q: %q", tr(t, "en", "health.severity.ok"), row)
	}
	if signals := eval[int](t, coord, `document.querySelectorAll('main a[href="`+pairPath+`"]').length && document.querySelector('main a[href="`+pairPath+`"]').closest('tr').querySelectorAll('.dashboard-signals li').length`); signals != 0 {
		t.Errorf("the pair on track still has %d signals on the dashboard: %q", signals, row)
	}
	coordinatorSees()
	shot(t, coord, "dashboard")
	checkPage(t, coord, "dashboard")

	for _, path := range []string{progPath, pairPath, pairPath + "/meetings", meetingPath, pairPath + "/agreement", progPath + "/evaluations"} {
		run(t, coord, chromedp.Navigate(s.URL+path), chromedp.WaitReady(chromedp.CSS("main")))
		coordinatorSees()
	}
	// Nor do the emails the coordinator was sent.
	for _, secret := range secrets {
		if n := s.queryString(t, `SELECT COUNT(*) FROM outbox WHERE lower(to_email) = lower(?) AND (instr(body, ?) > 0 OR instr(subject, ?) > 0)`,
			coordEmail, secret, secret); n != "0" {
			t.Errorf("%s emails to the coordinator contain %q", n, secret)
		}
	}
	// The pair page tells the coordinator what it may know.
	open(t, coord, s, pairPath, "main h1")
	mustSee(t, coord, tr(t, "en", "pairhome.coordinator_view"))
	shot(t, coord, "coordinator-pair")
	checkPage(t, coord, "coordinator-pair")
	// Their notes and agenda are the pair's: the coordinator is turned away.
	for _, path := range []string{meetingPath + "/notes", meetingPath + "/agenda"} {
		run(t, coord, chromedp.Navigate(s.URL+path), chromedp.WaitReady(chromedp.CSS("main")))
		coordinatorSees()
		status := eval[int](t, coord, `fetch(location.href, {credentials: 'same-origin'}).then(r => r.status)`, chromedp.EvalAwaitPromise)
		if status != 404 && status != 403 {
			t.Errorf("the coordinator opens %s with status %d; it belongs to the pair", path, status)
		}
	}
}
