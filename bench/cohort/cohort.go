// Package cohort generates seeded synthetic mentoring cohorts as
// participant profiles, the same shape the application stores, so that
// benchmarks measure the application's own scoring
// (internal/matching.Scorer) on realistic input: free-text skills and
// needs drawn from a shared pool, fields, places and time zones in three
// countries, languages, times of the week, career stages, organisations
// and the mentees' wishes. Popular skills and fields are drawn more often
// than rare ones (a Zipf-like skew), so that many mentees want the same
// few mentors, as in real programs. Equal arguments give equal cohorts.
package cohort

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"mentorskap/internal/program"
)

var skills = strings.Split(`Leadership
Project management
Negotiation
Public speaking
Presentation technique
Budgeting
Financial planning
Accounting
Marketing strategy
Digital marketing
Social media
Sales
Customer service
Recruitment
Job interviews
Writing applications
CV writing
Networking
Career planning
Change management
Conflict resolution
Coaching
Team building
Time management
Stress management
Work-life balance
Starting a business
Entrepreneurship
Fundraising
Grant writing
Volunteer management
Board work
Strategy
Data analysis
Statistics
Programming
Software testing
Web development
Cloud infrastructure
Information security
Product management
User research
Design thinking
Graphic design
Photography
Journalism
Copywriting
Translation
Teaching
Curriculum design
Research methods
Academic writing
Public health
Nursing
Patient safety
Elderly care
Pharmacy
Law
Contract law
Employment law
Procurement
Logistics
Supply chain
Manufacturing
Quality assurance
Engineering
Electrical engineering
Construction
Architecture
Urban planning
Sustainability
Renewable energy
Agriculture
Fisheries
Tourism
Hospitality
Event planning
Retail
E-commerce
Real estate
Banking
Insurance
Investment
Tax
Human resources
Diversity and inclusion
Mentoring others
Feedback
Mediation
Intercultural communication
Norwegian language
Swedish language
Bahasa Indonesia
English writing
Ledelse
Prosjektledelse
Kommunikasjon
Økonomistyring
Rekruttering
Arbeidsrett
Kundeservice
Projektledning
Kommunikation
Ekonomi
Rekrytering
Kepemimpinan
Manajemen proyek
Pemasaran
Keuangan
Komunikasi`, "\n")

var fields = strings.Split(`Health care
Education
Information technology
Software
Finance
Banking
Public administration
Law
Engineering
Construction
Energy
Oil and gas
Fisheries
Agriculture
Tourism
Hospitality
Retail
Media
Culture
Research
Non-profit
Manufacturing
Logistics
Telecommunications
Consulting`, "\n")

var interests = strings.Fields(`hiking skiing running cycling swimming football chess music jazz choir
	guitar piano painting photography reading novels poetry theatre film cooking baking gardening travel
	languages history politics philosophy volunteering climbing sailing fishing yoga meditation dogs cats
	birdwatching podcasts gaming boardgames knitting design architecture fashion wine coffee dancing
	family parenting faith startups investing sustainability climate technology science astronomy`)

var goals = strings.Split(`Become a team leader
Find my first job
Change career
Start my own business
Get better at public speaking
Grow my professional network
Understand the Norwegian labour market
Build confidence at work
Lead projects
Move into management
Finish my degree
Get a permanent position
Learn to negotiate salary
Balance work and family
Work internationally`, "\n")

type region struct {
	country string
	tz      string
	cities  []string
	langs   []string // the local language first
}

var regions = []region{
	{"Norway", "Europe/Oslo", []string{"Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Kristiansand", "Drammen", "Bodø"}, []string{"nb", "en"}},
	{"Sweden", "Europe/Stockholm", []string{"Stockholm", "Göteborg", "Malmö", "Uppsala", "Umeå", "Linköping"}, []string{"sv", "en"}},
	{"Indonesia", "Asia/Jakarta", []string{"Jakarta", "Bandung", "Surabaya", "Yogyakarta", "Semarang"}, []string{"id", "jv", "en"}},
	{"Indonesia", "Asia/Makassar", []string{"Denpasar", "Makassar", "Balikpapan"}, []string{"id", "en"}},
}

// other languages that people in any region speak now and then
var extraLangs = []string{"en", "ar", "so", "pl", "uk", "es", "fr", "de", "ti", "fa"}

// zipf draws an index below n, low indices far more often.
func zipf(r *rand.Rand, n int) int {
	u := r.Float64()
	return min(int(float64(n)*u*u*u), n-1)
}

// Generate makes n mentees and m mentors with the given mentor capacity.
// User ids run from 1 (mentees first); nobody is excluded.
func Generate(n, m, capacity int, seed uint64) (mentees, mentors []program.Participant) {
	r := rand.New(rand.NewPCG(seed, 0x636f686f7274))
	orgs := 40 + (n+m)/50
	person := func(id int64, role string) program.Participant {
		reg := regions[r.IntN(len(regions))]
		if r.IntN(10) < 5 {
			reg = regions[0] // most people are near the program's home
		}
		p := program.Participant{
			ID: id, UserID: id, Name: fmt.Sprintf("%s %d", role, id), Role: role, Status: program.StatusApproved,
			Location: reg.cities[zipf(r, len(reg.cities))] + ", " + reg.country,
			Timezone: reg.tz, OnlineOK: r.IntN(10) < 8,
			Field:        fields[zipf(r, len(fields))],
			Organisation: fmt.Sprintf("Organisation %d", r.IntN(orgs)),
			CareerStage:  program.CareerStages[r.IntN(len(program.CareerStages))],
			Capacity:     1,
		}
		p.Languages = []string{reg.langs[0]}
		for _, l := range reg.langs[1:] {
			if r.IntN(10) < 6 {
				p.Languages = append(p.Languages, l)
			}
		}
		if r.IntN(5) == 0 {
			p.Languages = append(p.Languages, extraLangs[r.IntN(len(extraLangs))])
		}
		for _, s := range program.MeetingSlots {
			if r.IntN(3) == 0 {
				p.MeetingTimes = append(p.MeetingTimes, s)
			}
		}
		var in []string
		for range 2 + r.IntN(5) {
			in = append(in, interests[r.IntN(len(interests))])
		}
		p.Interests = strings.Join(in, ", ")
		p.Goals = goals[r.IntN(len(goals))]
		return p
	}
	pick := func(k int) string {
		var out []string
		for range k {
			out = append(out, skills[zipf(r, len(skills))])
		}
		return strings.Join(out, "\n")
	}
	for i := range n {
		p := person(int64(i+1), program.SideMentee)
		p.Needs = pick(1 + r.IntN(5))
		if p.CareerStage == "retired" {
			p.CareerStage = "student"
		}
		switch r.IntN(4) {
		case 0:
			p.WishSameField = true
		case 1:
			p.WishInPerson = true
		case 2:
			p.WishLanguage = p.Languages[r.IntN(len(p.Languages))]
		}
		if r.IntN(6) == 0 {
			p.WishStage = "senior"
		}
		mentees = append(mentees, p)
	}
	for j := range m {
		p := person(int64(n+j+1), program.SideMentor)
		p.Skills = pick(3 + r.IntN(6))
		p.Capacity = capacity
		if p.CareerStage == "student" {
			p.CareerStage = "mid"
		}
		mentors = append(mentors, p)
	}
	return mentees, mentors
}
