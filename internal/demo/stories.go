package demo

import (
	"mentorskap/internal/agreement"
	"mentorskap/internal/evaluation"
	"mentorskap/internal/goal"
	"mentorskap/internal/meeting"
)

// The pairs' histories. Each pair writes in the language its people share:
// Norwegian for most, Swedish for the two Swedes, Indonesian for the two
// nurses from Indonesia (with the Norwegian words of the trade), English
// for the Swedish developer and his Indonesian mentee. Everything here is
// invented: the people, the firms and the cafés.

// programStart is the day the program began, counted from today.
const programStart = -119

const (
	kristian = "kristian.lunde@example.org"
	sofie    = "sofie.haugen@example.org"
	elin     = "elin.sjoberg@example.org"
	johan    = "johan.lindqvist@example.org"
	dewi     = "dewi.lestari@example.org"
	james    = "james.whitfield@example.org"
	ragnhild = "ragnhild.moen@example.org"
	arild    = "arild.strand@example.org"
	ahmad    = "ahmad.rahimi@example.org"
	siti     = "siti.rahmawati@example.org"
	putu     = "putu.wirawan@example.org"
	olena    = "olena.kovalenko@example.org"
	linnea   = "linnea.karlsson@example.org"
	yusuf    = "yusuf.abdi@example.org"
	amira    = "amira.haddad@example.org"
	leila    = "leila.nasser@example.org"
	daniel   = "daniel.tesfaye@example.org"
)

// story is one pair: who, when the coordinator matched them, the language
// they write in, where they stand today (for the list of logins) and what
// happened to them.
type story struct {
	Mentors, Mentees []string
	Matched          int
	Lang             string
	Stage            string
	Play             func(r *storyline)
}

// Stage names, as the list of logins shows them.
const (
	stageFinished = "finished as planned, final evaluation answered by both"
	stageEnded    = "ended early by the mentee"
	stageFollowUp = "left after a month for a job; the 3-month outcome questionnaire is open"
	stageUnderWay = "under way: five meetings, goals moving"
	stageSharing  = "under way, shares its meetings with the coordinator"
	stageBehind   = "fallen behind: no meeting for weeks, follow-up overdue"
	stageSigned   = "agreement just signed, next meeting booked"
	stageDrafting = "drafting the agreement"
	stageMatched  = "just matched, nothing done yet"
)

var stories = []story{
	{Mentors: []string{james}, Mentees: []string{yusuf}, Matched: -116, Lang: "nb", Stage: stageFinished, Play: jamesAndYusuf},
	{Mentors: []string{johan}, Mentees: []string{putu}, Matched: -115, Lang: "en", Stage: stageEnded, Play: johanAndPutu},
	{Mentors: []string{kristian}, Mentees: []string{daniel}, Matched: -116, Lang: "nb", Stage: stageFollowUp, Play: kristianAndDaniel},
	{Mentors: []string{kristian}, Mentees: []string{ahmad}, Matched: -117, Lang: "nb", Stage: stageUnderWay, Play: kristianAndAhmad},
	{Mentors: []string{ragnhild, arild}, Mentees: []string{leila}, Matched: -110, Lang: "nb", Stage: stageSharing, Play: associations},
	{Mentors: []string{dewi}, Mentees: []string{siti}, Matched: -113, Lang: "id", Stage: stageBehind, Play: dewiAndSiti},
	{Mentors: []string{elin}, Mentees: []string{linnea}, Matched: -20, Lang: "sv", Stage: stageSigned, Play: elinAndLinnea},
	{Mentors: []string{sofie}, Mentees: []string{amira}, Matched: -12, Lang: "nb", Stage: stageDrafting, Play: sofieAndAmira},
	{Mentors: []string{sofie}, Mentees: []string{olena}, Matched: -2, Lang: "nb", Stage: stageMatched},
}

// programEnd is the program's last day, the planned end of most pairs.
func (r *storyline) programEnd() string { return r.s.prog.End.Format("2006-01-02") }

// jamesAndYusuf agreed on a shorter course than the program's, reached
// their goals and finished twelve days ago with the final evaluation done.
func jamesAndYusuf(r *storyline) {
	s := r.s
	r.prep(yusuf, -115, "20:10", map[string]string{
		"often":        "En gang i måneden, gjerne litt oftere i starten",
		"when":         "Formiddag før klokka elleve, jeg jobber kveldsskift",
		"where":        "På lageret eller på en kafé i Horten",
		"length":       "En time",
		"topics":       "Truckførerbevis, hvordan jeg får fast stilling, hvordan man sier fra på jobben",
		"gain":         "Truckførerbevis og fast stilling på lager",
		"needs":        "Noen som kjenner bransjen og kan forklare hvordan man blir lagt merke til",
		"expectations": "At vi møtes jevnlig og at du sier ærlig fra",
	})
	r.prep(james, -115, "07:05", map[string]string{
		"often":  "Every three weeks or so",
		"when":   "Weekday mornings before nine, before my shift",
		"where":  "The canteen at Havnelager, or a café in Horten",
		"length": "About an hour",
		"topics": "Forklift training, what warehouse managers look for, working shifts",
		"offer":  "Explain how we hire, introduce Yusuf to shift leaders, help him practise for the forklift test",
		"limits": "I cannot promise a job at Havnelager; hiring is not my decision alone",
	})
	m0 := r.meet(booking{By: james, Booked: -115, Day: -111, At: "07:30", Minutes: 60, Place: "Kantina, Havnelager Horten"})
	r.agenda(m0, -112, "19:40",
		theme("Bli kjent", "Fortelle om jobben på lageret og hva jeg vil videre"),
		topic("Truckførerbevis", "Hvor tar man det, hvor lang tid tar det og hva koster det?"))
	r.notes(m0, james, meeting.Notes{
		SinceLast:   "Første møte.",
		Today:       "Bli kjent, og finne ut hva Yusuf vil få ut av disse månedene.",
		TimeMinutes: 60,
		Theme: "Yusuf har jobbet deltid på et lager i Horten i to år, mest med plukk og pakking på kveldsskift. " +
			"Han vil ha fast stilling og mer ansvar. Det som mangler for de fleste faste stillingene, er truckførerbevis.",
		NextSteps: "Finne et truckførerkurs (T1 og T4) som passer med kveldsskiftene. Yusuf ber om en samtale med lederen sin om flere vakter.",
		Remember:  "Ta med utkast til avtalen neste gang. James hører om Havnelager kan dekke deler av kurset.",
	})
	r.act(m0, "kurs", yusuf, "Finne truckførerkurs med prøve på dagtid eller i helgene", -100, "")
	r.act(m0, "leder", yusuf, "Be lederen om en samtale om flere vakter", -95, "")
	r.act(m0, "dekning", james, "Høre med HR om Havnelager dekker kurs for vikarer", -100, "")
	r.chemistry(james, -110, "08:05", evaluation.AnswerYes, "")
	r.chemistry(yusuf, -110, "10:20", evaluation.AnswerYes, "")
	r.draft(james, -110, "20:30", func(c *agreement.Content) {
		c.StartDate, c.EndDate = s.date(-108), s.date(-12)
		c.MeetingCount = 5
		c.Frequency = "Hver tredje uke, tirsdag eller torsdag klokka 07.30"
		c.TypicalMinutes, c.MaxMinutes = 60, 90
		c.Places = lines("Kantina på Havnelager Horten", "Kafé Brygga i Horten sentrum")
		c.Communication = lines("Meldinger her i Mentorskap", "SMS hvis noe haster samme dag")
		c.ResponseTime = "Innen to dager"
		c.Goals = []agreement.Goal{
			{Key: "truck", Title: "Ta truckførerbevis (T1 og T4)", Measure: "Kompetansebevis for begge klassene", TargetDate: s.date(-60),
				SubGoals: []agreement.Goal{
					{Key: "teori", Title: "Bestå teoriprøven", Measure: "Bestått prøve", TargetDate: s.date(-80)},
					{Key: "praksis", Title: "Fullføre praktisk opplæring og prøve", Measure: "Godkjent praktisk prøve", TargetDate: s.date(-60)},
				}},
			{Key: "fast", Title: "Få fast stilling på lager", Measure: "Signert kontrakt om fast stilling på minst 80 prosent", TargetDate: s.date(-12)},
			{Key: "si-fra", Title: "Bli trygg på å si fra om avvik og forbedringer", Measure: "Har meldt minst tre avvik eller forslag selv og tatt ordet på et skiftmøte", TargetDate: s.date(-30)},
		}
		c.Mentor = agreement.Commitments{
			Will:    lines("Forklare hvordan vi ansetter på lager", "Øve med Yusuf til intervju og truckprøve", "Introdusere ham for skiftledere jeg kjenner"),
			WillNot: "Snakke med Yusufs leder uten at han vet om det",
			Can:     "Vise Yusuf rundt på Havnelager",
			Cannot:  "Love fast stilling: det avgjør arbeidsgiveren",
		}
		c.Mentee = agreement.Commitments{
			Will:    lines("Forberede hvert møte og skrive agenda", "Melde meg på kurs selv"),
			WillNot: "Avlyse uten å gi beskjed",
			Can:     "Møte om morgenen før kveldsskiftet",
			Cannot:  "Møte på ettermiddager i ukedagene",
		}
		c.TopicsIn = lines("Truckførerbevis", "Arbeidskontrakter og faste stillinger", "Å si fra på jobben")
		c.TopicsOut = "Personalsaker hos Yusufs nåværende arbeidsgiver"
		c.Unmet = "James kan ikke skaffe Yusuf jobb på Havnelager, men kan forklare hvordan ansettelsen foregår."
	})
	r.draft(yusuf, -109, "11:00", func(c *agreement.Content) {
		c.MeetingCount = 6
		c.Mentee.Will = lines(c.Mentee.Will, "Si fra hvis noe ikke fungerer for meg")
	})
	r.sign(james, -108, "07:45")
	r.sign(yusuf, -108, "12:30")

	m1 := r.meet(booking{By: yusuf, Booked: -108, Day: -90, At: "07:30", Minutes: 60, Place: "Kafé Brygga, Horten"})
	r.agenda(m1, -91, "20:15",
		topic("Kurset", "Jeg har meldt meg på kurs i Tønsberg. Teoriprøven er om tre uker."),
		topic("Samtalen med lederen", "Hun sa kanskje. Hva gjør jeg nå?"))
	r.review(m1, "kurs", meeting.OutcomeDone)
	r.review(m1, "leder", meeting.OutcomeDone)
	r.review(m1, "dekning", meeting.OutcomeDone)
	r.notes(m1, yusuf, meeting.Notes{
		SinceLast: "Jeg har meldt meg på truckførerkurs. Havnelager dekker ikke kurs for vikarer, men James fant et billigere kurs med prøve på lørdag. " +
			"Lederen min sa kanskje til flere vakter.",
		Today:       "Kurset, og hva jeg gjør når lederen sier kanskje.",
		TimeMinutes: 60,
		Theme:       "James sa at et kanskje ofte betyr at lederen trenger å se at jeg tar ansvar. Jeg kan spørre hva som skal til, og be om et nytt møte om en måned.",
		NextSteps:   "Lese til teoriprøven hver uke. Spørre lederen hva som skal til for å få flere vakter.",
		Reflection:  "Det var lettere å snakke nå enn første gang.",
		Remember:    "James avtaler en omvisning med skiftlederen på Havnelager.",
	})
	r.act(m1, "teori-les", yusuf, "Lese to kapitler i teoriboka i uka og ta prøveprøver på nett", -80, "teori")
	r.act(m1, "skiftleder", james, "Avtale omvisning med skiftlederen på Havnelager", -75, "fast")
	m2 := r.meet(booking{By: james, Booked: -89, Day: -69, At: "07:30", Minutes: 75, Place: "Havnelager Horten, resepsjonen"})
	r.progress(yusuf, -85, "19:00", "teori", goal.StatusInProgress, 50)
	r.answer(yusuf, -84, "20:00", evaluation.KindFollowup, []string{"5", "yes",
		"James svarer fort og forklarer hvordan ting faktisk foregår på et lager.",
		"Noen ganger er halv åtte tidlig etter kveldsskift."}, nil)
	r.answer(james, -83, "07:20", evaluation.KindFollowup, []string{"4", "yes",
		"Yusuf comes prepared and does what he says he will do.",
		"We could use the time between meetings better, with short messages."}, nil)
	r.message(yusuf, -81, "16:02", "Jeg besto teoriprøven i dag!")
	r.message(james, -81, "18:30", "Gratulerer, Yusuf! Godt jobbet. Nå gjenstår bare praksisen.")
	r.read(yusuf, -81, "21:00")
	r.progress(yusuf, -81, "21:05", "teori", goal.StatusReached, -1)
	r.agenda(m2, -70, "21:00",
		theme("Kompetanse og utdanning", "Hva trenger jeg i tillegg til truckførerbevis?"),
		topic("Omvisning på lageret", "Hvilke spørsmål bør jeg stille skiftlederen?"))
	r.review(m2, "teori-les", meeting.OutcomeDone)
	r.review(m2, "skiftleder", meeting.OutcomeDone)
	r.notes(m2, james, meeting.Notes{
		SinceLast:   "Yusuf har bestått teoriprøven. De praktiske timene starter neste uke.",
		Today:       "Omvisning på Havnelager med skiftleder Tone, og hva som skal til for fast stilling.",
		TimeMinutes: 75,
		Theme: "Tone forklarte at de ser etter folk som kan kjøre truck, kan skanne og melde avvik, og som møter presist. " +
			"Yusuf spurte gode spørsmål om turnus og opplæring. Hun ba ham sende CV når han har truckførerbeviset.",
		NextSteps:  "Bli ferdig med praksisen og ta prøven. Oppdatere CV-en.",
		Reflection: "Yusuf snakker mer og mer selv i møtene. Bra.",
		Remember:   "Spørre Tone om hun vil være referanse.",
	})
	r.link("fast", m2)
	r.act(m2, "praksis-timer", yusuf, "Booke de praktiske timene og prøven", -62, "praksis")
	r.act(m2, "cv", yusuf, "Oppdatere CV-en med truckførerbevis og erfaring fra plukk", -55, "fast")
	r.act(m2, "referanse", james, "Spørre Tone om hun vil være referanse", -55, "fast")
	m3 := r.meet(booking{By: yusuf, Booked: -68, Day: -48, At: "07:45", Minutes: 60, Place: "Kafé Brygga, Horten"})
	r.answer(james, -62, "07:10", evaluation.KindMidpoint, []string{"5", "1", "yes",
		"The visit at Havnelager. Yusuf saw what the job is like and asked good questions.",
		"Practise the job interview before the positions are advertised."}, nil)
	r.progress(yusuf, -58, "18:00", "praksis", goal.StatusReached, -1)
	r.progress(yusuf, -58, "18:02", "truck", goal.StatusReached, -1)
	r.answer(yusuf, -61, "19:30", evaluation.KindMidpoint, []string{"5", "1", "yes",
		"Omvisningen og at jeg besto teoriprøven.",
		"Jeg vil øve mer på intervju og på å snakke i møter."}, nil)

	r.agenda(m3, -49, "22:10",
		topic("Stillinger på Havnelager", "Det er lyst ut to faste stillinger. Skal jeg søke nå?"),
		topic("Å si fra på skiftmøtet", "Rampen ved port 3 er ødelagt. Hvordan sier jeg fra uten å virke sur?"))
	r.review(m3, "praksis-timer", meeting.OutcomeDone)
	r.review(m3, "cv", meeting.OutcomeCarried)
	r.review(m3, "referanse", meeting.OutcomeDone)
	r.notes(m3, yusuf, meeting.Notes{
		SinceLast:   "Jeg har truckførerbevis for T1 og T4! Tone vil være referanse. CV-en er ikke ferdig.",
		Today:       "Søknaden på Havnelager, og hvordan jeg sier fra om rampen.",
		TimeMinutes: 60,
		Theme: "Vi gikk gjennom utlysningen sammen. James mener jeg skal søke nå og skrive konkret om truckførerbeviset og om to år uten fravær. " +
			"Om rampen: melde avvik i systemet først, så nevne det kort på skiftmøtet og si hva jeg foreslår.",
		NextSteps:  "Gjøre ferdig CV-en og sende søknaden før fristen. Melde avvik om rampen.",
		Reflection: "Forrige gang lærte jeg mye av å se lageret. Jeg vet bedre hva jeg skal skrive nå.",
		Remember:   "Fristen for søknaden er om halvannen uke.",
	})
	r.act(m3, "soknad", yusuf, "Sende søknad på fast stilling på Havnelager", -40, "fast")
	r.act(m3, "avvik", yusuf, "Melde avvik om rampen ved port 3", -45, "si-fra")
	m4 := r.meet(booking{By: james, Booked: -47, Day: -27, At: "07:30", Minutes: 90, Place: "Kafé Brygga, Horten"})
	r.progress(yusuf, -47, "18:30", "fast", goal.StatusInProgress, 40)
	r.progress(yusuf, -47, "18:31", "si-fra", goal.StatusInProgress, 30)
	r.agenda(m4, -28, "20:45",
		topic("Jobbintervju", "Jeg er kalt inn til intervju på torsdag!"),
		topic("CV", "Den er ferdig. Vil du se på den en gang til?"))
	r.review(m4, "cv", meeting.OutcomeDone)
	r.review(m4, "soknad", meeting.OutcomeDone)
	r.review(m4, "avvik", meeting.OutcomeDone)
	r.notes(m4, james, meeting.Notes{
		SinceLast:   "Yusuf har sendt søknaden og er kalt inn til intervju. Avviket om rampen er meldt, og rampen er reparert.",
		Today:       "Øve på intervjuet.",
		TimeMinutes: 90,
		Theme: "Vi øvde på intervju i tjue minutter. Yusuf svarte godt om erfaring, men for kort om hvorfor han vil ha jobben. " +
			"Vi fant tre eksempler på at han har tatt ansvar: opplæring av en ny kollega, avviket om rampen og en kveld han ledet plukket alene.",
		NextSteps:  "Skrive ned de tre eksemplene og øve på dem høyt.",
		Reflection: "Yusuf sa fra på skiftmøtet for første gang. Han var nervøs, men det gikk fint.",
		Remember:   "Spørre tilbake på intervjuet: hvordan er opplæringen for nye faste?",
	})
	r.act(m4, "intervju", yusuf, "Skrive ned og øve på tre eksempler på at jeg har tatt ansvar", -24, "fast")
	m5 := r.meet(booking{By: yusuf, Booked: -26, Day: -14, At: "07:30", Minutes: 60, Place: "Kantina, Havnelager Horten"})
	r.message(yusuf, -20, "15:40", "Jeg fikk fast stilling! 80 prosent fra neste måned. Tusen takk, James.")
	r.message(james, -20, "17:05", "Fantastic news! You earned it. Vi tar en kaffe og feirer neste gang.")
	r.read(yusuf, -20, "19:00")
	r.progress(yusuf, -20, "19:05", "fast", goal.StatusReached, -1)
	r.progress(yusuf, -20, "19:06", "si-fra", goal.StatusInProgress, 80)

	r.agenda(m5, -15, "21:30",
		theme("Avslutning og veien videre", "Hva har vi fått til, og hva gjør jeg videre alene?"),
		topic("Flere truckklasser", "Bør jeg ta T2 også?"))
	r.review(m5, "intervju", meeting.OutcomeDone)
	r.notes(m5, yusuf, meeting.Notes{
		SinceLast:   "Jeg fikk fast stilling på Havnelager og begynner neste måned.",
		Today:       "Se tilbake på tiden vår og snakke om hva jeg gjør videre.",
		TimeMinutes: 60,
		Theme: "Vi nådde målene om truckførerbevis og fast stilling. Jeg er tryggere på å si fra, men jeg vil fortsatt øve på å ta ordet på skiftmøtene. " +
			"James mener T2 er lurt om et år, når jeg kjenner den nye jobben.",
		NextSteps: "Ta T2 neste år. Fortsette å melde forbedringer.",
		Remember:  "Vi holder kontakten, og James hilser på når han er innom lageret.",
	})
	r.answer(yusuf, -14, "20:00", evaluation.KindFinal, []string{"5",
		"Truckførerbevis og fast stilling. Jeg tør å si fra på jobben nå.",
		"Ta T2, og kanskje bli skiftleder en dag.", "1", "yes"},
		map[string]goalReview{
			"fast":   {evaluation.GoalReached, "Fast stilling fra neste måned."},
			"si-fra": {evaluation.GoalPartly, "Jeg sier fra, men ikke alltid på møtene ennå."},
		})
	r.answer(james, -13, "07:50", evaluation.KindFinal, []string{"5",
		"Yusuf got his forklift licence quickly and a permanent job. I learned how hard it is to get through the door as a part-timer.",
		"Keep practising speaking up at shift meetings.", "1", "yes"},
		map[string]goalReview{
			"si-fra": {evaluation.GoalPartly, "Much better than at the start; still quiet in big meetings."},
		})
	r.closeDue(-11, "09:00")
	r.reflect(yusuf, -10, "19:00", "Jeg trodde mentoren skulle hjelpe meg å få jobb. Det viktigste var at han viste meg hvordan et lager ser ut fra lederens side.")
	r.reflect(james, -9, "07:15", "Glad I said yes to this. Next time I would start the interview practice earlier.")
}

// johanAndPutu worked in English over video; Putu found a traineeship in
// Bergen and ended the mentoring a month ago.
func johanAndPutu(r *storyline) {
	s := r.s
	url := "https://meet.example.org/johan-putu"
	r.prep(putu, -113, "21:30", map[string]string{
		"often":        "Every two or three weeks",
		"when":         "Evenings or weekends",
		"where":        "Online",
		"length":       "One hour",
		"topics":       "Technical interviews, my GitHub portfolio, how IT companies in Norway hire",
		"gain":         "My first developer job or a trainee position",
		"needs":        "Feedback on my code and on how I present it",
		"expectations": "Honest feedback, also when it is hard to hear",
	})
	r.prep(johan, -112, "20:00", map[string]string{
		"often":  "Every third week",
		"when":   "Thursday evenings",
		"where":  "Video call",
		"length": "60 to 90 minutes",
		"topics": "Code review, interview practice, portfolio",
		"offer":  "Review Putu's projects, run a mock technical interview, introduce him to recruiters I know",
		"limits": "I work in Sweden and know the Norwegian market less well than the Swedish one",
	})
	m0 := r.meet(booking{By: johan, Booked: -112, Day: -105, At: "19:00", Minutes: 75, URL: url})
	r.agenda(m0, -106, "22:00",
		theme("Getting to know each other", "My background and the kind of job I am looking for"),
		topic("My portfolio", "Two Go projects on GitHub. Are they good enough to show?"))
	r.notes(m0, johan, meeting.Notes{
		SinceLast:   "First meeting.",
		Today:       "Get to know each other and look at Putu's projects.",
		TimeMinutes: 75,
		Theme: "Putu has a computer science degree from Bali and has built a booking app in Go and TypeScript. " +
			"The code is good; the projects just do not tell a reader what they are. No README, no screenshots, no tests.",
		NextSteps: "Make the booking app easy to understand in two minutes.",
		Remember:  "Johan sends a list of companies in Norway that use Go.",
	})
	r.act(m0, "readme", putu, "Write a proper README for the booking app, with screenshots", -95, "")
	r.act(m0, "list", johan, "Send Putu a list of Norwegian companies that hire Go developers", -100, "")
	r.chemistry(johan, -104, "20:00", evaluation.AnswerYes, "")
	r.chemistry(putu, -104, "21:10", evaluation.AnswerYes, "")
	r.draft(johan, -103, "21:00", func(c *agreement.Content) {
		c.StartDate, c.EndDate = s.date(-100), r.programEnd()
		c.MeetingCount = 5
		c.Frequency = "Every third Thursday at 19:00"
		c.TypicalMinutes, c.MaxMinutes = 75, 90
		c.Places = "Video call"
		c.Communication = lines("Messages in Mentorskap", "Email for longer code reviews")
		c.ResponseTime = "Within three days"
		c.Goals = []agreement.Goal{
			{Key: "job", Title: "Land a first developer job or trainee position", Measure: "A signed offer", TargetDate: r.programEnd()},
			{Key: "portfolio", Title: "A portfolio that shows what I can do", Measure: "Two projects with README, tests and a live demo", TargetDate: s.date(-60),
				SubGoals: []agreement.Goal{
					{Key: "readme", Title: "README and screenshots for the booking app", TargetDate: s.date(-90)},
					{Key: "tests", Title: "Tests for the booking API", TargetDate: s.date(-60)},
				}},
			{Key: "cloud", Title: "Pass a cloud certification", Measure: "Certificate", TargetDate: s.date(-30)},
		}
		c.Mentor = agreement.Commitments{
			Will:    lines("Review Putu's code and applications", "Run mock technical interviews"),
			WillNot: "Write Putu's code or applications for him",
			Can:     "Introduce Putu to two recruiters",
			Cannot:  "Meet in person: I live in Gothenburg",
		}
		c.Mentee = agreement.Commitments{
			Will:    lines("Send my questions two days before each meeting", "Apply for jobs every week"),
			WillNot: "Stay silent when I do not understand",
		}
		c.TopicsIn = lines("Code and portfolio", "Technical interviews", "How IT companies in Norway hire")
		c.Unmet = "Johan knows the Swedish IT market better than the Norwegian one."
	})
	r.sign(johan, -100, "19:30")
	r.sign(putu, -100, "21:00")

	m1 := r.meet(booking{By: putu, Booked: -99, Day: -80, At: "19:00", Minutes: 75, URL: url})
	r.agenda(m1, -81, "23:10",
		topic("Feedback on the README", "I rewrote it three times!"),
		topic("Technical interviews", "What do Norwegian companies ask?"))
	r.review(m1, "readme", meeting.OutcomeDone)
	r.review(m1, "list", meeting.OutcomeDone)
	r.notes(m1, putu, meeting.Notes{
		SinceLast:   "The README is done, with screenshots and a short video. Johan sent a list of twelve companies.",
		Today:       "The README, and what technical interviews look like.",
		TimeMinutes: 75,
		Theme: "Johan says Norwegian companies often give a take-home task and then talk it through. " +
			"They care about how you explain your choices, not only about the code. Tests would make the project much stronger.",
		NextSteps:  "Apply to five of the companies. Write tests for the API.",
		Reflection: "The first meeting helped me see my projects from the outside.",
	})
	r.progress(putu, -79, "20:00", "readme", goal.StatusReached, -1)
	r.act(m1, "apply", putu, "Apply to five positions from the list", -60, "job")
	r.act(m1, "tests", putu, "Add tests to the booking API", -65, "tests")
	m2 := r.meet(booking{By: johan, Booked: -79, Day: -55, At: "19:00", Minutes: 90, URL: url})
	r.answer(putu, -72, "22:00", evaluation.KindFollowup, []string{"4", "yes",
		"Johan's code reviews are very concrete.", "More time for interview practice."}, nil)
	r.answer(johan, -72, "22:30", evaluation.KindFollowup, []string{"4", "yes",
		"Putu comes well prepared.", "Late evening meetings are hard for me some weeks."}, nil)

	r.agenda(m2, -56, "21:40",
		topic("Mock interview", "Please be strict!"),
		topic("Cloud certificate", "Is it worth the money?"))
	r.review(m2, "apply", meeting.OutcomeCarried)
	r.review(m2, "tests", meeting.OutcomeDone)
	r.notes(m2, johan, meeting.Notes{
		SinceLast:   "Putu has applied to three companies and written tests for the API. One company answered no, two have not answered.",
		Today:       "A mock technical interview, and whether the cloud certificate is worth it.",
		TimeMinutes: 90,
		Theme: "Putu solved the task well but went quiet when he was unsure. Better to think out loud. " +
			"We agreed the certificate is not worth the money now: the portfolio says more.",
		NextSteps:  "Finish the applications and follow up the two without an answer.",
		Reflection: "The tests made the project look professional.",
	})
	r.act(m2, "follow", putu, "Follow up the two applications without an answer", -45, "job")
	m3 := r.meet(booking{By: putu, Booked: -54, Day: -38, At: "19:00", Minutes: 75, URL: url})
	r.progress(putu, -54, "21:00", "tests", goal.StatusReached, -1)
	r.progress(putu, -54, "21:01", "cloud", goal.StatusDropped, -1)
	r.agenda(m3, -39, "20:20", topic("Second interview in Bergen", "How do I prepare for meeting the team?"))
	r.review(m3, "apply", meeting.OutcomeDone)
	r.review(m3, "follow", meeting.OutcomeDone)
	r.notes(m3, putu, meeting.Notes{
		SinceLast:   "I sent all five applications. A company in Bergen invited me to a second interview with the team.",
		Today:       "Prepare for the second interview.",
		TimeMinutes: 75,
		Theme:       "Johan played the team lead. Ask them how they review code and how they train new people. Show the booking app and explain one thing I would do differently.",
		NextSteps:   "Prepare three questions for the team.",
		Reflection:  "Thinking out loud is getting easier.",
	})
	r.answer(putu, -38, "22:00", evaluation.KindMidpoint, []string{"5", "1", "yes",
		"The mock interview. I was much calmer in the real one.", "Nothing much, it works well."}, nil)
	r.answer(johan, -37, "07:30", evaluation.KindMidpoint, []string{"4", "1", "yes",
		"Putu's portfolio is now something I would show my own team.", "Talk more about salary and contracts before an offer comes."}, nil)
	r.progress(putu, -31, "13:50", "job", goal.StatusReached, -1)
	r.message(putu, -31, "14:10", "I got the trainee position in Bergen! I start in three weeks.")
	r.message(johan, -31, "20:00", "Congratulations! Well deserved. Let me know if you want to go through the contract.")
	r.read(putu, -31, "21:00")
	r.end(putu, -30, "10:00", "I got a trainee position in Bergen and start soon. Thank you, this program helped a lot.")
	r.reflect(putu, -29, "20:30", "I was afraid my English and my foreign degree would be a problem. What mattered was showing my work and explaining it.")
	r.reflect(johan, -28, "21:00", "Ended sooner than planned, for the best reason. I will offer the same kind of code review to my next mentee.")
}

// kristianAndAhmad are well under way: five meetings, one called off and
// moved, an application for recognition sent and an interview coming up.
func kristianAndAhmad(r *storyline) {
	s := r.s
	r.prep(ahmad, -115, "21:15", map[string]string{
		"often":        "En gang i måneden",
		"when":         "Etter klokka 16, når norskkurset er ferdig",
		"where":        "Gjerne på arbeidsplassen til mentoren",
		"length":       "En time",
		"topics":       "Godkjenning av utdanning, fagspråk, hvordan team jobber i norske bedrifter",
		"gain":         "Jobb som vedlikeholdsingeniør",
		"needs":        "Noen som retter norsken min og forklarer hvordan bedriftene tenker",
		"expectations": "Ærlige tilbakemeldinger, også på språket",
	})
	r.prep(kristian, -114, "19:40", map[string]string{
		"often":  "Hver fjerde uke",
		"when":   "Tirsdag eller torsdag ettermiddag",
		"where":  "Hos Fjordteknikk i Tønsberg",
		"length": "En time, av og til litt mer",
		"topics": "Vedlikeholdsplanlegging, HMS, hvordan vi ansetter ingeniører",
		"offer":  "Omvisning i produksjonen, gjennomgang av CV, kontakter hos leverandører",
		"limits": "Vi har ansettelsesstopp i år, så jeg kan ikke tilby jobb hos oss",
	})
	m0 := r.meet(booking{By: kristian, Booked: -114, Day: -110, At: "16:30", Minutes: 60, Place: "Fjordteknikk AS, Tønsberg (møterommet i andre etasje)"})
	r.agenda(m0, -111, "20:40",
		topic("Bli kjent", "Jeg vil fortelle om jobben min med produksjonslinjer og hva jeg har gjort siden jeg kom til Norge"),
		topic("Godkjenning av utdanning", "Hvordan søker jeg hos HK-dir?"))
	r.notes(m0, kristian, meeting.Notes{
		SinceLast:   "Første møte.",
		Today:       "Bli kjent, og hvor Ahmad står med godkjenning og norsk.",
		TimeMinutes: 60,
		Theme: "Ahmad har seks års erfaring med vedlikehold av pakkelinjer og en bachelor i maskinteknikk. " +
			"Han har ikke søkt om godkjenning ennå fordi vitnemålet ikke er oversatt. Norsken er god i hverdagen, men fagordene mangler.",
		NextSteps: "Søke om godkjenning så snart oversettelsen er klar. Kristian leser CV-en.",
		Remember:  "Ahmad tar med vitnemålet neste gang. Vi skriver avtalen før neste møte.",
	})
	r.act(m0, "hkdir", ahmad, "Sende søknad om godkjenning av bachelorgraden til HK-dir", -95, "")
	r.act(m0, "cv", kristian, "Lese CV-en og markere ord som bør stå på norsk", -100, "")
	r.chemistry(kristian, -109, "07:50", evaluation.AnswerYes, "")
	r.chemistry(ahmad, -109, "17:20", evaluation.AnswerYes, "Kristian er lett å snakke med.")
	r.draft(kristian, -108, "19:00", func(c *agreement.Content) {
		c.StartDate, c.EndDate = s.date(-105), r.programEnd()
		c.MeetingCount = 6
		c.Frequency = "Omtrent hver fjerde uke, tirsdag eller torsdag klokka 16.30"
		c.TypicalMinutes, c.MaxMinutes = 60, 90
		c.Places = lines("Fjordteknikk i Tønsberg", "Videomøte hvis en av oss er bortreist")
		c.Communication = lines("Meldinger i Mentorskap", "Telefon hvis noe haster")
		c.ResponseTime = "Innen to virkedager"
		c.Goals = []agreement.Goal{
			{Key: "godkjenning", Title: "Få utdanningen godkjent i Norge", Measure: "Vedtak fra HK-dir", TargetDate: s.date(20),
				SubGoals: []agreement.Goal{
					{Key: "hkdir-soknad", Title: "Sende komplett søknad med oversatt vitnemål", Measure: "Kvittering fra HK-dir", TargetDate: s.date(-75)},
					{Key: "vedtak", Title: "Få vedtak", Measure: "Brev med vedtak", TargetDate: s.date(20)},
				}},
			{Key: "fagsprak", Title: "Bruke norsk fagspråk om vedlikehold", Measure: "Kan presentere en vedlikeholdsplan på norsk i ti minutter uten manus", TargetDate: s.date(25)},
		}
		c.Mentor = agreement.Commitments{
			Will:    lines("Dele erfaring fra industrien", "Rette språket når Ahmad ber om det", "Vise frem produksjonen hos oss"),
			WillNot: "Skrive søknadene for Ahmad",
			Can:     "Introdusere Ahmad for folk hos leverandørene våre",
			Cannot:  "Tilby jobb hos Fjordteknikk i år",
		}
		c.Mentee = agreement.Commitments{
			Will:   lines("Lage agenda før hvert møte", "Snakke norsk i møtene, også når det er vanskelig"),
			Can:    "Møte etter klokka 16 alle hverdager",
			Cannot: "Møte på formiddagen mens norskkurset pågår",
		}
		c.TopicsIn = lines("Godkjenning av utdanning", "Fagspråk", "Arbeidsmarkedet for ingeniører i Vestfold", "Kulturen i norske bedrifter")
		c.TopicsOut = "Privatøkonomi"
		c.Unmet = "Kristian kan ikke tilby jobb hos Fjordteknikk, men kan åpne dører hos andre."
	})
	r.draft(ahmad, -107, "18:10", func(c *agreement.Content) {
		c.Goals = append(c.Goals, agreement.Goal{Key: "arbeidsgivere", Title: "Møte tre arbeidsgivere i bransjen",
			Measure: "Tre samtaler eller besøk", TargetDate: s.date(30)})
	})
	r.sign(kristian, -105, "08:10")
	r.sign(ahmad, -105, "17:30")

	m1 := r.meet(booking{By: ahmad, Booked: -104, Day: -84, At: "16:30", Minutes: 60, Place: "Fjordteknikk AS, Tønsberg"})
	r.agenda(m1, -85, "21:00",
		topic("Mål og forventninger", "Hvilke mål er realistiske på fem måneder?"),
		topic("CV", "Takk for kommentarene. Jeg har noen spørsmål."))
	r.review(m1, "hkdir", meeting.OutcomeCarried)
	r.review(m1, "cv", meeting.OutcomeDone)
	r.notes(m1, ahmad, meeting.Notes{
		SinceLast:   "Kristian har lest CV-en min. Søknaden til HK-dir er ikke sendt, jeg venter på oversettelse av vitnemålet.",
		Today:       "Målene i avtalen, og CV-en.",
		TimeMinutes: 60,
		Theme: "Vi snakket om hvilke mål som er realistiske. Godkjenningen tar tid, så jeg må søke med en gang. " +
			"I CV-en skal jeg skrive hva jeg oppnådde, ikke bare hva jeg gjorde, for eksempel at stoppene på linja gikk ned.",
		NextSteps:  "Bestille autorisert oversettelse. Lage en ordliste med fagord.",
		Reflection: "Første møte var hyggelig. Jeg var nervøs for norsken, men det gikk bra.",
		Remember:   "Kristian spør om jeg kan få se produksjonen neste gang.",
	})
	r.act(m1, "oversettelse", ahmad, "Bestille autorisert oversettelse av vitnemålet", -75, "hkdir-soknad")
	r.act(m1, "ordliste", ahmad, "Lage en ordliste med 50 fagord om vedlikehold", -70, "fagsprak")
	r.act(m1, "omvisning", kristian, "Avtale omvisning i produksjonen til neste møte", -62, "arbeidsgivere")
	m2 := r.meet(booking{By: kristian, Booked: -83, Day: -60, At: "16:30", Minutes: 90, Place: "Fjordteknikk AS, produksjonshallen"})
	r.message(ahmad, -78, "18:20", "Hei Kristian! Oversettelsen er bestilt og kommer om to uker.")
	r.message(kristian, -78, "19:05", "Flott! Da sender du søknaden med en gang den kommer.")
	r.read(ahmad, -78, "20:00")
	r.answer(ahmad, -77, "19:00", evaluation.KindFollowup, []string{"5", "yes",
		"Kristian forklarer ting konkret, og jeg får se en ekte bedrift.",
		"Jeg vil øve mer på å snakke, ikke bare lese."}, nil)
	r.answer(kristian, -76, "08:00", evaluation.KindFollowup, []string{"4", "yes",
		"Ahmad er godt forberedt og har klare mål.", "Vi bør bruke mer tid på muntlig norsk."}, nil)

	r.progress(ahmad, -64, "20:00", "hkdir-soknad", goal.StatusReached, -1)
	r.cancel(m2, ahmad, -61, "07:30", "Barnet mitt er sykt. Beklager! Kan vi ta det i neste uke?")
	m3 := r.meet(booking{By: ahmad, Booked: -61, Day: -56, At: "16:30", Minutes: 90, Place: "Fjordteknikk AS, produksjonshallen"})
	r.agenda(m3, -57, "20:30",
		topic("Arbeidsmarkedet", "Hvilke bedrifter i Vestfold trenger folk innen vedlikehold?"),
		topic("Omvisning", "Jeg vil se hvordan dere planlegger stopp i produksjonen"))
	r.review(m3, "hkdir", meeting.OutcomeDone)
	r.review(m3, "oversettelse", meeting.OutcomeDone)
	r.review(m3, "ordliste", meeting.OutcomeCarried)
	r.review(m3, "omvisning", meeting.OutcomeDone)
	r.notes(m3, kristian, meeting.Notes{
		SinceLast:   "Søknaden til HK-dir er sendt. Ordlista er halvferdig.",
		Today:       "Omvisning i produksjonen, og hvor det finnes jobber.",
		TimeMinutes: 90,
		Theme: "Vi gikk en runde i produksjonen og så på planen for neste vedlikeholdsstopp. Ahmad kjente igjen det meste og spurte gode spørsmål om reservedeler. " +
			"Vi listet opp seks bedrifter i Vestfold som har vedlikeholdsavdeling.",
		NextSteps:  "Kristian introduserer Ahmad for vedlikeholdssjefen hos en leverandør. Ahmad forbereder en kort presentasjon på norsk.",
		Reflection: "Vi måtte flytte møtet en uke, men det gjorde ingenting.",
		Remember:   "Ta med ordlista ferdig neste gang.",
	})
	r.link("arbeidsgivere", m3)
	r.act(m3, "leverandor", kristian, "Introdusere Ahmad for vedlikeholdssjefen hos en leverandør", -40, "arbeidsgivere")
	r.act(m3, "presentasjon", ahmad, "Forberede en presentasjon av en vedlikeholdsplan fra forrige jobb", -33, "fagsprak")
	m4 := r.meet(booking{By: kristian, Booked: -55, Day: -33, At: "16:30", Minutes: 60, Place: "Fjordteknikk AS, Tønsberg"})
	r.progress(ahmad, -55, "19:00", "fagsprak", goal.StatusInProgress, 30)
	r.progress(ahmad, -55, "19:01", "arbeidsgivere", goal.StatusInProgress, 33)
	r.agenda(m4, -34, "21:10",
		topic("Kompetanse og utdanning", "Trenger jeg kurs eller sertifikater i tillegg?"),
		topic("Presentasjonen", "Jeg har laget en plan for vedlikehold av en pakkelinje"),
		topic("Møtet med leverandøren", "Hvordan følger jeg opp?"))
	r.answer(ahmad, -35, "20:00", evaluation.KindMidpoint, []string{"5", "1", "yes",
		"Omvisningen, og at Kristian introduserte meg for en vedlikeholdssjef.",
		"Øve mer på intervju."}, nil)
	r.answer(kristian, -34, "07:40", evaluation.KindMidpoint, []string{"4", "1", "yes",
		"Ahmad har kommet langt med fagspråket.", "Mer konkret jobbsøking nå i andre halvdel."}, nil)
	r.review(m4, "ordliste", meeting.OutcomeDone)
	r.review(m4, "leverandor", meeting.OutcomeDone)
	r.review(m4, "presentasjon", meeting.OutcomeDone)
	r.notes(m4, ahmad, meeting.Notes{
		SinceLast:   "Jeg møtte vedlikeholdssjefen hos leverandøren. Ordlista er ferdig.",
		Today:       "Presentasjonen min, kurs, og hvordan jeg følger opp leverandøren.",
		TimeMinutes: 60,
		Theme: "Jeg holdt presentasjonen på norsk i åtte minutter. Kristian sa at innholdet var sterkt, men at jeg skal si mindre om teorien og mer om hva jeg gjorde. " +
			"Et kurs i vibrasjonsanalyse kan gjøre CV-en sterkere.",
		NextSteps:  "Søke på stillingen hos Vestfold Emballasje. Finne ut om kurset.",
		Reflection: "Omvisningen var nyttig. Jeg skjønner mer av hvordan dere planlegger.",
		Remember:   "Sende en kort takk til vedlikeholdssjefen.",
	})
	r.act(m4, "kurs", ahmad, "Undersøke kurs i vibrasjonsanalyse, nivå 1", -15, "")
	r.act(m4, "stilling", ahmad, "Søke på stillingen som vedlikeholdsplanlegger hos Vestfold Emballasje", -20, "arbeidsgivere")
	m5 := r.meet(booking{By: ahmad, Booked: -32, Day: -7, At: "16:30", Minutes: 60, URL: "https://meet.example.org/kristian-ahmad"})
	r.progress(ahmad, -30, "20:00", "fagsprak", goal.StatusInProgress, 60)
	r.progress(ahmad, -30, "20:01", "arbeidsgivere", goal.StatusInProgress, 67)
	r.agenda(m5, -8, "21:00",
		topic("Kulturen på arbeidsplassen", "Hvordan er det å være ny i et norsk team?"),
		topic("Intervju hos Vestfold Emballasje", "Jeg er kalt inn til intervju om tre uker!"))
	r.review(m5, "kurs", meeting.OutcomeCarried)
	r.review(m5, "stilling", meeting.OutcomeDone)
	r.notes(m5, kristian, meeting.Notes{
		SinceLast:   "Ahmad er kalt inn til intervju. Kurset er ikke undersøkt ennå.",
		Today:       "Hvordan det er å være ny i et norsk team, og intervjuet.",
		TimeMinutes: 60,
		Theme: "Vi snakket om at norske ledere ofte forventer at man spør og sier fra selv, også som ny. " +
			"Kaffepausen er en del av jobben. På intervjuet kan Ahmad gjerne fortelle om hvordan han fikk ned stoppene på linja.",
		NextSteps:  "Ahmad skriver svar på de vanligste intervjuspørsmålene og sender dem til Kristian.",
		Reflection: "Forrige gang var presentasjonen et vendepunkt: Ahmad snakker friere nå.",
		Remember:   "Neste møte blir etter intervjuet.",
	})
	r.private(m5, kristian, "Ahmad er faglig klar for intervjuet. Snakk med ham om å stille spørsmål tilbake, det gjør han for lite.")
	r.act(m5, "intervjusvar", ahmad, "Skrive svar på de fem vanligste intervjuspørsmålene, på norsk", 3, "fagsprak")
	r.meet(booking{By: kristian, Booked: -6, Day: 14, At: "16:30", Minutes: 60, Place: "Fjordteknikk AS, Tønsberg"})
	r.message(kristian, -6, "13:00", "Da er neste møte booket, etter intervjuet ditt. Lykke til med forberedelsene!")
	r.message(ahmad, -6, "17:45", "Takk! Jeg sender deg svarene mine før helgen.")
	r.read(kristian, -6, "19:00")
}

// associations: two people from an established volunteer centre mentor
// the leader of a new women's network. Their agreement lets the
// coordinator read their agendas and notes.
func associations(r *storyline) {
	s := r.s
	r.prep(leila, -108, "21:00", map[string]string{
		"often":        "En gang i måneden",
		"when":         "Mandag kveld",
		"where":        "Hos frivilligsentralen eller i lokalet vårt i Horten",
		"length":       "Halvannen time",
		"topics":       "Vedtekter, styrearbeid, tilskudd, frivillige",
		"gain":         "En forening som står støtt også når jeg ikke er leder lenger",
		"needs":        "Hjelp med økonomi og søknader",
		"expectations": "At dere deler erfaringene deres, også det som gikk galt",
	})
	r.prep(ragnhild, -107, "20:15", map[string]string{
		"often":  "Månedlig",
		"when":   "Mandagskvelder",
		"where":  "Frivilligsentralen i Holmestrand",
		"length": "Halvannen time",
		"topics": "Styrearbeid, frivillige, samarbeid med kommunen",
		"offer":  "Maler og rutiner fra frivilligsentralen, og Arilds hjelp med økonomien",
		"limits": "Vi kan ikke sitte i styret eller søke på vegne av foreningen",
	})
	m0 := r.meet(booking{By: ragnhild, Booked: -107, Day: -94, At: "19:00", Minutes: 90, Place: "Holmestrand frivilligsentral, møterommet"})
	r.agenda(m0, -95, "22:00",
		theme("Bli kjent", "Hvem vi er i Internasjonalt kvinnenettverk, og hva vi trenger hjelp til"),
		topic("Vedtekter", "Vi har et utkast fra stiftelsesmøtet"))
	r.notes(m0, ragnhild, meeting.Notes{
		SinceLast:   "Første møte.",
		Today:       "Bli kjent med foreningen, og se på vedtektene.",
		TimeMinutes: 90,
		Theme: "Nettverket har rundt førti medlemmer fra tolv land og driver en lørdagskafé og leksehjelp. " +
			"Vedtektene er et utkast som mangler regler for årsmøte og valg. Økonomien føres i et regneark.",
		NextSteps: "Arild ser på vedtektene. Ragnhild deler rutinen for nye frivillige.",
		Remember:  "Leila sender utkastet til vedtekter.",
	})
	r.act(m0, "utkast", leila, "Sende utkastet til vedtekter til Arild", -88, "")
	r.act(m0, "rutine", ragnhild, "Dele frivilligsentralens rutine for mottak av nye frivillige", -85, "")
	r.chemistry(ragnhild, -93, "08:30", evaluation.AnswerYes, "")
	r.chemistry(arild, -93, "11:00", evaluation.AnswerYes, "")
	r.chemistry(leila, -93, "20:00", evaluation.AnswerYes, "")
	r.draft(ragnhild, -92, "20:30", func(c *agreement.Content) {
		c.StartDate, c.EndDate = s.date(-90), r.programEnd()
		c.MeetingCount = 5
		c.Frequency = "En gang i måneden, mandag klokka 19"
		c.TypicalMinutes, c.MaxMinutes = 90, 120
		c.Places = lines("Holmestrand frivilligsentral", "Foreningslokalet i Horten")
		c.Communication = lines("Meldinger i Mentorskap", "E-post til Ragnhild for dokumenter")
		c.ResponseTime = "Innen en uke"
		c.CoordinatorSees = agreement.ShareMeetings
		c.Goals = []agreement.Goal{
			{Key: "vedtekter", Title: "Vedtekter vedtatt på årsmøtet", Measure: "Protokoll fra årsmøtet", TargetDate: s.date(-40)},
			{Key: "tilskudd", Title: "Søke om driftstilskudd fra kommunen", Measure: "Søknaden sendt innen fristen", TargetDate: s.date(20),
				SubGoals: []agreement.Goal{
					{Key: "budsjett", Title: "Budsjett for neste år vedtatt i styret", TargetDate: s.date(-20)},
					{Key: "soknad", Title: "Søknaden skrevet og sendt", TargetDate: s.date(20)},
				}},
			{Key: "frivillige", Title: "En fast gruppe på ti frivillige", Measure: "Ti navn på vaktlista som har vært med minst to ganger", TargetDate: s.date(30)},
		}
		c.Mentor = agreement.Commitments{
			Will:    lines("Dele maler, rutiner og erfaringer", "Lese gjennom søknader og budsjett"),
			WillNot: "Ta beslutninger for foreningen",
			Can:     "Invitere styret til et av våre styremøter",
			Cannot:  "Sitte i styret eller søke på vegne av foreningen",
		}
		c.Mentee = agreement.Commitments{
			Will: lines("Ta med styret når det passer", "Forberede sakene til hvert møte"),
		}
		c.TopicsIn = lines("Styrearbeid og vedtekter", "Økonomi og tilskudd", "Rekruttere og beholde frivillige")
		c.TopicsOut = "Enkeltmedlemmers private saker"
		c.Unmet = "Frivilligsentralen kan ikke gi penger eller låne ut lokaler fast."
	})
	r.sign(ragnhild, -90, "19:30")
	r.sign(arild, -90, "21:15")
	r.sign(leila, -89, "18:00")

	m1 := r.meet(booking{By: leila, Booked: -89, Day: -70, At: "19:00", Minutes: 90, Place: "Foreningslokalet, Storgata, Horten"})
	r.agenda(m1, -71, "21:30",
		topic("Vedtektene", "Arilds kommentarer"),
		topic("Nye frivillige", "Hvordan tar vi imot dem så de kommer tilbake?"))
	r.review(m1, "utkast", meeting.OutcomeDone)
	r.review(m1, "rutine", meeting.OutcomeDone)
	r.notes(m1, leila, meeting.Notes{
		SinceLast:   "Arild har lest vedtektene og kommet med forslag. Vi har fått rutinen for nye frivillige.",
		Today:       "Vedtektene, og hvordan vi tar imot nye frivillige.",
		TimeMinutes: 90,
		Theme: "Arild forklarte hva vedtektene må si om årsmøte, styre og valg. Vi fjerner det som er for detaljert. " +
			"Ragnhild foreslo at hver ny frivillig får en fast kontaktperson de første gangene.",
		NextSteps: "Kalle inn til årsmøte. Arild viser en enkel regnskapsmal.",
		Remember:  "Innkallingen må sendes fire uker før årsmøtet.",
	})
	r.act(m1, "arsmote", leila, "Kalle inn til årsmøte med vedtektene på sakslisten", -50, "vedtekter")
	r.act(m1, "regnskap", arild, "Vise Leila en enkel regnskapsmal for små foreninger", -60, "budsjett")
	m2 := r.meet(booking{By: ragnhild, Booked: -69, Day: -42, At: "19:00", Minutes: 90, Place: "Holmestrand frivilligsentral"})
	for _, a := range []struct{ who, at string }{{ragnhild, "20:00"}, {arild, "10:30"}, {leila, "22:10"}} {
		r.answer(a.who, -61, a.at, evaluation.KindFollowup, []string{"5", "yes",
			"Vi bruker tiden godt og kommer videre med konkrete saker.", "Møtene kunne startet litt tidligere på kvelden."}, nil)
	}

	r.progress(leila, -45, "22:00", "vedtekter", goal.StatusReached, -1)
	r.agenda(m2, -43, "20:00",
		topic("Årsmøtet", "Vedtektene ble vedtatt! Hva gjør det nye styret nå?"),
		topic("Budsjett", "Vi har aldri laget budsjett før"))
	r.review(m2, "arsmote", meeting.OutcomeDone)
	r.review(m2, "regnskap", meeting.OutcomeDone)
	r.notes(m2, arild, meeting.Notes{
		SinceLast:   "Årsmøtet vedtok vedtektene og valgte et nytt styre med fem medlemmer.",
		Today:       "Hva det nye styret skal gjøre først, og budsjett.",
		TimeMinutes: 90,
		Theme: "Vi gikk gjennom et budsjett for en forening på deres størrelse: husleie, kafé, leksehjelp og et lite beløp til uforutsett. " +
			"Kommunens driftstilskudd krever budsjett vedtatt i styret.",
		NextSteps:  "Leila og kassereren lager budsjettutkast. Leila setter opp vaktliste for lørdagskaféen.",
		Reflection: "Det hjalp å gå gjennom vedtektene punkt for punkt.",
	})
	r.act(m2, "budsjettutkast", leila, "Lage budsjettutkast sammen med kassereren", -25, "budsjett")
	r.act(m2, "vaktliste", leila, "Sette opp vaktliste for lørdagskaféen", -30, "frivillige")
	m3 := r.meet(booking{By: leila, Booked: -41, Day: -14, At: "19:00", Minutes: 90, Place: "Foreningslokalet, Storgata, Horten"})
	for _, a := range []struct{ who, at string }{{leila, "21:00"}, {ragnhild, "08:15"}, {arild, "12:00"}} {
		r.answer(a.who, -30, a.at, evaluation.KindMidpoint, []string{"5", "1", "yes",
			"Vedtektene er på plass, og styret fungerer.", "Bruke mer tid på tilskuddssøknaden."}, nil)
	}

	r.agenda(m3, -15, "21:00",
		topic("Budsjettet", "Styret vedtok det i forrige uke"),
		topic("Frivillige", "Vi er seks på vaktlista"))
	r.review(m3, "budsjettutkast", meeting.OutcomeDone)
	r.review(m3, "vaktliste", meeting.OutcomeCarried)
	r.notes(m3, ragnhild, meeting.Notes{
		SinceLast:   "Styret har vedtatt budsjettet. Vaktlista har seks navn, målet er ti.",
		Today:       "Søknaden om driftstilskudd, og flere frivillige.",
		TimeMinutes: 90,
		Theme: "Vi så på kommunens skjema for driftstilskudd. Det viktigste er å vise aktiviteten: hvor mange som kommer på kafeen og leksehjelpen. " +
			"Frivillige blir oftere når de får en fast oppgave og blir spurt personlig.",
		NextSteps:  "Leila skriver første utkast til søknaden. Ragnhild spør frivilligsentralens frivillige om noen vil hjelpe på lørdagskaféen.",
		Reflection: "Budsjettet ble ferdig før fristen, takket være Arild.",
		Remember:   "Søknadsfristen er om fem uker.",
	})
	r.act(m3, "utkast-soknad", leila, "Skrive første utkast til søknaden om driftstilskudd", 5, "soknad")
	r.act(m3, "spor-frivillige", ragnhild, "Spørre frivilligsentralens frivillige om hjelp på lørdagskaféen", -5, "frivillige")
	m4 := r.meet(booking{By: ragnhild, Booked: -13, Day: 12, At: "19:00", Minutes: 90, Place: "Holmestrand frivilligsentral"})
	r.progress(leila, -13, "21:00", "budsjett", goal.StatusReached, -1)
	r.progress(leila, -13, "21:01", "frivillige", goal.StatusInProgress, 60)
	r.agenda(m4, -1, "20:30",
		topic("Søknaden om driftstilskudd", "Utkastet er nesten ferdig. Kan Arild se på budsjettdelen?"),
		topic("Lørdagskaféen", "Vi er åtte frivillige nå"))
}

// dewiAndSiti started well but have not met for weeks: Dewi's shifts got
// in the way, Siti's last proposal went unanswered and her follow-up is
// long overdue.
func dewiAndSiti(r *storyline) {
	s := r.s
	r.prep(siti, -111, "14:00", map[string]string{
		"often":        "Dua kali sebulan kalau bisa",
		"when":         "Pagi hari, sebelum shift saya di sykehjem",
		"where":        "Di kafe dekat tempat kerja Dewi",
		"length":       "Satu jam",
		"topics":       "Autorisasjon, bahasa Norwegia untuk perawat, hospitering",
		"gain":         "Bekerja lagi sebagai perawat, kali ini di Norwegia",
		"needs":        "Bantuan memahami dokumen dari Helsedirektoratet",
		"expectations": "Dewi bercerita bagaimana dia dulu melewati proses ini",
	})
	r.prep(dewi, -110, "22:30", map[string]string{
		"often":  "Sekali sebulan",
		"when":   "Tergantung turnus, biasanya pagi",
		"where":  "Kafe di Tønsberg helsehus atau panggilan video",
		"length": "Satu jam",
		"topics": "Autorisasjon, medisinsk norsk, budaya kerja di sykehjem",
		"offer":  "Pengalaman saya sendiri, dan kontak dengan kepala bagian di helsehus",
		"limits": "Jadwal shift saya sering berubah",
	})
	m0 := r.meet(booking{By: dewi, Booked: -110, Day: -104, At: "10:00", Minutes: 60, Place: "Kafeen på Tønsberg helsehus"})
	r.agenda(m0, -105, "20:00",
		theme("Saling mengenal", "Cerita tentang pengalaman saya sebagai perawat di Surabaya"),
		topic("Autorisasjon", "Dokumen apa saja yang dibutuhkan Helsedirektoratet?"))
	r.notes(m0, dewi, meeting.Notes{
		SinceLast:   "Pertemuan pertama.",
		Today:       "Saling mengenal, dan langkah pertama menuju autorisasjon.",
		TimeMinutes: 60,
		Theme: "Siti punya pengalaman lima tahun di rumah sakit dan sekarang bekerja sebagai assistent di sykehjem. " +
			"Untuk autorisasjon dia butuh terjemahan resmi ijazah, bukti pengalaman kerja dan bahasa Norwegia level B2.",
		NextSteps: "Siti mengumpulkan dokumen dan memesan terjemahan resmi.",
		Remember:  "Dewi membawa daftar kata medisinsk norsk yang dulu dia pakai.",
	})
	r.act(m0, "dokumen", siti, "Mengumpulkan ijazah dan transkrip, lalu memesan terjemahan resmi", -80, "")
	r.chemistry(dewi, -103, "21:00", evaluation.AnswerYes, "")
	r.chemistry(siti, -96, "19:30", evaluation.AnswerUnsure, "Saya senang dengan Dewi, tetapi jadwal shift kami sulit dicocokkan.")
	r.draft(dewi, -102, "22:00", func(c *agreement.Content) {
		c.StartDate, c.EndDate = s.date(-100), r.programEnd()
		c.MeetingCount = 5
		c.Frequency = "Sekali sebulan, hari disesuaikan dengan turnus Dewi"
		c.TypicalMinutes, c.MaxMinutes = 60, 90
		c.Places = lines("Kafe di Tønsberg helsehus", "Panggilan video")
		c.Communication = lines("Pesan di Mentorskap", "WhatsApp untuk hal yang mendesak")
		c.ResponseTime = "Dalam tiga hari"
		c.Goals = []agreement.Goal{
			{Key: "autorisasjon", Title: "Mengirim permohonan autorisasjon yang lengkap", Measure: "Tanda terima dari Helsedirektoratet", TargetDate: s.date(-40),
				SubGoals: []agreement.Goal{
					{Key: "terjemahan", Title: "Terjemahan resmi ijazah dan transkrip", TargetDate: s.date(-70)},
					{Key: "b2", Title: "Lulus Norskprøven level B2", TargetDate: s.date(-30)},
				}},
			{Key: "hospitering", Title: "Mendapat tempat hospitering di sykehjem", Measure: "Kesepakatan tertulis dengan kepala bagian", TargetDate: s.date(-10)},
		}
		c.Mentor = agreement.Commitments{
			Will:   lines("Berbagi pengalaman saya dengan proses autorisasjon", "Membantu latihan medisinsk norsk"),
			Can:    "Bertanya kepada kepala bagian tentang hospitering",
			Cannot: "Menjanjikan pekerjaan di helsehus",
		}
		c.Mentee = agreement.Commitments{
			Will: lines("Menyiapkan agenda sebelum setiap pertemuan", "Mengurus dokumen sendiri"),
		}
		c.TopicsIn = lines("Autorisasjon", "Medisinsk norsk", "Budaya kerja di layanan kesehatan Norwegia")
		c.Unmet = "Dewi tidak bisa menjanjikan tempat hospitering, hanya menanyakan."
	})
	r.sign(dewi, -100, "21:00")
	r.sign(siti, -100, "21:30")

	m1 := r.meet(booking{By: siti, Booked: -99, Day: -75, At: "11:00", Minutes: 60, URL: "https://meet.example.org/dewi-siti"})
	r.agenda(m1, -76, "19:00",
		topic("Dokumen", "Terjemahan sudah selesai!"),
		topic("Medisinsk norsk", "Kata-kata yang sulit dari laporan vakt"))
	r.review(m1, "dokumen", meeting.OutcomeDone)
	r.notes(m1, siti, meeting.Notes{
		SinceLast:   "Jeg har fått oversatt vitnemålet og karakterutskriften.",
		Today:       "Søknaden om autorisasjon, og ord fra rapporten på jobb.",
		TimeMinutes: 60,
		Theme: "Dewi viste meg hvordan søknaden fylles ut i Altinn. Vi øvde på ord fra muntlig rapport: " +
			"\"sirkulasjon\", \"væskebalanse\", \"tilsyn\". Saya harus latihan lebih banyak berbicara.",
		NextSteps:  "Lage bruker i Altinn og fylle ut søknaden. Dewi spør om hospitering.",
		Reflection: "Det var fint å møtes på video, det passet med vaktene.",
	})
	r.act(m1, "altinn", siti, "Membuat akun Altinn dan mengisi formulir permohonan", -55, "autorisasjon")
	r.act(m1, "tanya", dewi, "Bertanya kepada kepala bagian tentang hospitering", -60, "hospitering")
	m2 := r.meet(booking{By: dewi, Booked: -74, Day: -47, At: "10:30", Minutes: 60, Place: "Kafeen på Tønsberg helsehus"})
	r.progress(siti, -72, "20:00", "terjemahan", goal.StatusReached, -1)
	r.answer(dewi, -71, "22:15", evaluation.KindFollowup, []string{"3", "no",
		"Siti sangat termotivasi dan selalu datang dengan persiapan.",
		"Saya harus lebih disiplin mencari waktu di luar turnus."}, nil)

	r.agenda(m2, -48, "21:00",
		topic("Altinn", "Formulirnya membingungkan"),
		topic("Hospitering", "Apakah sudah ada kabar?"))
	r.review(m2, "altinn", meeting.OutcomeCarried)
	r.review(m2, "tanya", meeting.OutcomeCarried)
	r.notes(m2, dewi, meeting.Notes{
		SinceLast:   "Siti sudah punya akun Altinn, tetapi formulirnya belum selesai. Saya belum sempat bicara dengan kepala bagian.",
		Today:       "Formulir autorisasjon dan ujian B2.",
		TimeMinutes: 60,
		Theme:       "Kami mengisi sebagian formulir bersama. Siti akan mendaftar Norskprøven B2 bulan depan.",
		NextSteps:   "Siti mendaftar ujian B2. Saya bicara dengan kepala bagian minggu depan.",
		Reflection:  "Pertemuan kali ini terlambat dua minggu karena turnus saya.",
	})
	r.act(m2, "daftar-b2", siti, "Mendaftar Norskprøven B2", -30, "b2")
	r.progress(siti, -46, "20:00", "b2", goal.StatusInProgress, 60)
	r.progress(siti, -46, "20:01", "hospitering", goal.StatusInProgress, 10)
	r.message(siti, -33, "20:05", "Hei Dewi! Kapan kita bisa bertemu lagi? Saya sudah mendaftar ujian B2.")
	r.meet(booking{By: siti, Booked: -28, Day: -21, At: "11:00", Minutes: 60, Place: "Kafeen på Tønsberg helsehus", Unanswered: true})
	r.message(dewi, -19, "22:40", "Maaf, Siti, bulan ini banyak vakt malam. Aku kabari minggu depan, ya.")
	r.read(siti, -19, "23:05")
}

// elinAndLinnea, two Swedes, signed their agreement last week after a
// first video meeting and have the second one booked.
func elinAndLinnea(r *storyline) {
	s := r.s
	url := "https://meet.example.org/elin-linnea"
	r.prep(linnea, -18, "20:30", map[string]string{
		"often":        "Varannan vecka",
		"when":         "Måndagar efter jobbet",
		"where":        "Digitalt",
		"length":       "En timme",
		"topics":       "Nätverk i Vestfold, norska arbetsgivare, löneförhandling",
		"gain":         "Fast anställning som projektingenjör",
		"needs":        "Förstå hur man kommer in i branschen här",
		"expectations": "Raka råd",
	})
	r.prep(elin, -17, "07:45", map[string]string{
		"often":  "Varannan vecka",
		"when":   "Måndagar efter kl. 16",
		"where":  "Videomöte",
		"length": "En timme",
		"topics": "Projektledning, att byta land i samma bransch",
		"offer":  "Mina erfarenheter från båda sidor gränsen och kontakter i byggbranschen",
		"limits": "Jag kan inte ses på plats särskilt ofta",
	})
	m0 := r.meet(booking{By: elin, Booked: -17, Day: -12, At: "17:30", Minutes: 60, URL: url})
	r.agenda(m0, -13, "21:00",
		theme("Lära känna varandra", "Min bakgrund och vikariatet i Horten"),
		topic("Norska arbetsgivare", "Vad är annorlunda mot Sverige?"))
	r.notes(m0, linnea, meeting.Notes{
		SinceLast:   "Första mötet.",
		Today:       "Lära känna varandra och prata om vad jag vill.",
		TimeMinutes: 60,
		Theme: "Elin berättade om när hon började leda projekt i Norge. Skillnaderna är mindre än man tror, men nätverket betyder mer här. " +
			"Mitt vikariat går ut i vår, så jag behöver börja söka nu.",
		NextSteps: "Jag gör en lista över byggföretag i Vestfold. Elin frågar en norsk kollega om hon vill träffa mig.",
		Remember:  "Skriva avtalet före nästa möte.",
	})
	r.act(m0, "lista", linnea, "Göra en lista över tio byggföretag i Vestfold", 3, "")
	r.act(m0, "kollega", elin, "Fråga en kollega på norska sidan om hon vill träffa Linnea", 4, "")
	r.draft(linnea, -11, "20:00", func(c *agreement.Content) {
		c.StartDate, c.EndDate = s.date(-8), r.programEnd()
		c.MeetingCount = 5
		c.Frequency = "Varannan måndag kl. 17.30"
		c.TypicalMinutes, c.MaxMinutes = 60, 90
		c.Places = lines("Videomöte", "Någon gång på plats i Strömstad eller Horten")
		c.Communication = "Meddelanden i Mentorskap"
		c.ResponseTime = "Inom två dagar"
		c.Goals = []agreement.Goal{
			{Key: "fast-tjanst", Title: "Fast anställning som projektingenjör", Measure: "Ett skriftligt erbjudande", TargetDate: r.programEnd()},
			{Key: "natverk", Title: "Ett nätverk i byggbranschen i Vestfold", Measure: "Har träffat fem personer i branschen och följt upp dem", TargetDate: s.date(25)},
			{Key: "lon", Title: "Förbereda löneförhandling", Measure: "Vet vad som är rimlig lön och har övat på samtalet", TargetDate: s.date(20)},
		}
		c.Mentor = agreement.Commitments{
			Will:   lines("Dela mina erfarenheter", "Introducera Linnea för personer i branschen"),
			Cannot: "Träffas på plats oftare än någon enstaka gång",
		}
		c.Mentee = agreement.Commitments{
			Will: lines("Förbereda varje möte", "Höra av mig om jag inte kan"),
		}
		c.TopicsIn = lines("Nätverk", "Arbetskultur i Norge", "Löneförhandling")
	})
	r.chemistry(elin, -10, "18:00", evaluation.AnswerYes, "")
	r.chemistry(linnea, -10, "19:20", evaluation.AnswerYes, "")
	r.sign(elin, -9, "18:00")
	r.sign(linnea, -8, "07:40")
	m1 := r.meet(booking{By: elin, Booked: -8, Day: 5, At: "17:30", Minutes: 60, URL: url})
	r.message(linnea, -5, "19:10", "Tack för senast! Jag har redan hittat sju företag till listan.")
	r.message(elin, -4, "07:30", "Bra jobbat! Ta med listan till nästa möte så går vi igenom den.")
	r.read(linnea, -4, "12:00")
	r.agenda(m1, -2, "21:15",
		theme("Mål och förväntningar", "Vad är realistiskt fram till sommaren?"),
		topic("Löneförhandling", "Hur förhandlar man lön i Norge?"))
}

// sofieAndAmira met over lunch and are writing their agreement: two
// versions saved, nobody has signed yet, and Amira has proposed the next
// lunch.
func sofieAndAmira(r *storyline) {
	s := r.s
	r.prep(amira, -10, "20:00", map[string]string{
		"often":        "Every two weeks at first",
		"when":         "Weekday lunch",
		"where":        "A café in Sandefjord",
		"length":       "An hour",
		"topics":       "Norwegian labour law, presenting my experience, networking in HR",
		"gain":         "An HR assistant or recruiter job",
		"needs":        "To understand how hiring works in Norway",
		"expectations": "Honest feedback on my applications",
	})
	r.prep(sofie, -10, "21:30", map[string]string{
		"often":  "Annenhver uke",
		"when":   "Onsdag lunsj",
		"where":  "Kafé i Sandefjord",
		"length": "En time",
		"topics": "Søknader, intervju, arbeidsmiljøloven i praksis",
		"offer":  "Gjennomgang av søknader og intervjutrening",
		"limits": "Jeg kan ikke ansette i banken uten vanlig prosess",
	})
	m0 := r.meet(booking{By: sofie, Booked: -10, Day: -6, At: "11:30", Minutes: 60, Place: "Kafé Kaia, Sandefjord"})
	r.agenda(m0, -7, "20:30",
		theme("Getting to know each other", "My background in hotel recruitment, and what I am looking for here"),
		topic("Arbeidsmiljøloven", "What should every HR person in Norway know?"))
	r.notes(m0, sofie, meeting.Notes{
		SinceLast:   "Første møte.",
		Today:       "Bli kjent, og hva Amira vil oppnå.",
		TimeMinutes: 60,
		Theme: "Amira har ledet rekruttering i en hotellkjede i sju år. Hun kan mye om intervju og utvelgelse, " +
			"men kjenner ikke norsk arbeidsrett og har ikke nettverk her.",
		NextSteps: "Amira sender CV-en. Sofie sender en stillingsutlysning og en intervjuguide fra banken.",
		Remember:  "Skrive utkast til avtalen denne uka.",
	})
	r.act(m0, "cv", amira, "Sende Sofie CV-en min på norsk", -3, "")
	r.act(m0, "mal", sofie, "Sende Amira en stillingsutlysning og en intervjuguide", -2, "")
	r.chemistry(sofie, -5, "08:00", evaluation.AnswerYes, "")
	r.chemistry(amira, -5, "12:30", evaluation.AnswerYes, "")
	r.draft(sofie, -4, "20:00", func(c *agreement.Content) {
		c.StartDate, c.EndDate = s.date(-4), r.programEnd()
		c.Frequency = "Annenhver onsdag, lunsj"
		c.Places = "Kafé Kaia i Sandefjord"
		c.Communication = "Meldinger i Mentorskap"
		c.Goals = []agreement.Goal{
			{Key: "hr-jobb", Title: "Få jobb som HR-rådgiver eller rekrutterer", Measure: "Tilbud om stilling", TargetDate: r.programEnd()},
			{Key: "arbeidsrett", Title: "Kjenne hovedreglene i arbeidsmiljøloven", Measure: "Kan forklare ansettelse, prøvetid og oppsigelse med egne ord", TargetDate: s.date(20)},
		}
		c.Mentor = agreement.Commitments{Will: lines("Lese søknader og gi ærlige tilbakemeldinger", "Øve på intervju")}
	})
	r.draft(amira, -2, "21:30", func(c *agreement.Content) {
		c.Goals = append(c.Goals, agreement.Goal{Key: "nettverk", Title: "Bli med i et faglig nettverk for HR i Vestfold", TargetDate: s.date(25)})
		c.Mentee = agreement.Commitments{Will: lines("Sende søknadene mine til Sofie før jeg sender dem", "Skrive agenda før hvert møte")}
	})
	r.meet(booking{By: amira, Booked: -2, Day: 6, At: "11:30", Minutes: 60, Place: "Kafé Kaia, Sandefjord", Unanswered: true})
}

// kristianAndDaniel met once before Daniel got a job in the north and
// left; three months on, the program's follow-up asks him how it went
// (extras.go sends it).
func kristianAndDaniel(r *storyline) {
	m0 := r.meet(booking{By: kristian, Booked: -113, Day: -109, At: "16:30", Minutes: 60, Place: "Kafé Kaia, Tønsberg"})
	r.notes(m0, kristian, meeting.Notes{
		Today:       "Hva Daniel har gjort før, og hva norske arbeidsgivere i industrien ser etter.",
		TimeMinutes: 60,
		Theme: "Daniel har mer erfaring med vedlikehold enn han skriver i CV-en. Vi gikk gjennom den linje for linje " +
			"og skrev inn maskinene og anleggene han har hatt ansvar for.",
		NextSteps: "Daniel sender ny CV til tre bedrifter. Kristian spør en kollega om HMS-kurs.",
	})
	r.chemistry(daniel, -108, "19:40", evaluation.AnswerYes, "")
	r.chemistry(kristian, -108, "21:05", evaluation.AnswerYes, "")
	r.message(daniel, -103, "18:20", "Jeg har fått tilbud om fast jobb som vedlikeholdstekniker i Mo i Rana! Jeg flytter om to uker.")
	r.message(kristian, -103, "19:00", "For en nyhet! Gratulerer, Daniel. Ta med deg CV-en vi skrev, den får du bruk for igjen.")
	r.end(daniel, -100, "20:00", "Jeg har fått jobb i Mo i Rana og flytter. Tusen takk for hjelpen, Kristian.")
}
