package demo

// The sample cohort. Every person, organisation and profile here is
// invented; the addresses use example.org, which is reserved for examples
// and never delivers mail. The program is the kind the seed documents
// describe: experienced professionals help people who are new to Norway take
// their next step towards work in their own field.

const (
	programName    = "Mentorprogram: Ny i arbeidslivet"
	programPurpose = "Programmet kobler personer som nylig har kommet til Norge med yrkespersoner som kjenner bransjen deres. " +
		"Gjennom jevnlige samtaler får deltakeren innsikt i hvordan norsk arbeidsliv fungerer, øver på fagspråket " +
		"og bygger et nettverk. Mentoren deler erfaring og kontakter, men lover ikke jobb: den innsatsen står deltakeren for selv."
	programGoals = "Deltakeren har en skriftlig plan for neste steg mot arbeid som passer utdanningen og erfaringen.\n" +
		"Deltakeren bruker norsk med større trygghet i faglige samtaler.\n" +
		"Deltakeren har møtt minst tre arbeidsgivere eller fagfolk i sin bransje.\n" +
		"Bedriftene som deltar, ser tydeligere hva nye innbyggere har med seg av kompetanse."
	programFocus = "Jobbsøking og CV\nArbeidsplasskultur og uskrevne regler\nFagspråk på norsk\nNettverk i bransjen\nGodkjenning av utdanning"
)

// Password is the one password every demo account gets, so a newcomer can
// log in as anyone.
const Password = "mentorskap-demo"

// person is one demo account and, for mentors and mentees, the profile
// they would have filled in when they applied.
type person struct {
	Email, Name, Lang, Timezone string
	Pending                     bool // still waiting for the coordinator
	Languages                   []string
	Location                    string
	OnlineOK                    bool
	Field, Skills, Needs, Goals string
	Interests, Education        string
	CareerStage                 string // one of program.CareerStages
	Availability                string
	Organisation, About         string
	Capacity                    int
}

var admin = person{Email: "henrik.aasen@example.org", Name: "Henrik Aasen", Lang: "en", Timezone: "Europe/Oslo"}

var coordinator = person{Email: "marte.solberg@example.org", Name: "Marte Solberg", Lang: "nb", Timezone: "Europe/Oslo"}

var mentors = []person{
	{
		Email: "kristian.lunde@example.org", Name: "Kristian Lunde", Lang: "nb", Timezone: "Europe/Oslo",
		Languages: []string{"nb", "en"}, Location: "Tønsberg", OnlineOK: true,
		Field:        "Maskin og industri",
		Skills:       "Vedlikeholdsplanlegging\nHMS\nTekniske tegninger\nIntervjutrening",
		Interests:    "Seiling, gamle motorsykler",
		Education:    "Sivilingeniør, maskinteknikk",
		CareerStage:  "senior",
		Availability: "Tirsdag og torsdag ettermiddag",
		Organisation: "Fjordteknikk AS",
		Capacity:     2,
		About: "Jeg har jobbet i industrien i over tjue år, de siste åtte som avdelingsleder. " +
			"Jeg har ansatt flere ingeniører med utdanning fra utlandet og vet hvor mye én god kontakt kan bety.",
	},
	{
		Email: "sofie.haugen@example.org", Name: "Sofie Haugen", Lang: "nb", Timezone: "Europe/Oslo",
		Languages: []string{"nb", "en", "de"}, Location: "Sandefjord", OnlineOK: true,
		Field:        "HR og rekruttering",
		Skills:       "CV og søknadsbrev\nForberedelse til intervju\nArbeidsavtaler i praksis",
		Interests:    "Langrenn, bokklubb",
		Education:    "Master i arbeids- og organisasjonspsykologi",
		CareerStage:  "senior",
		Availability: "Annenhver onsdag, gjerne lunsj",
		Organisation: "Kystsparebanken",
		Capacity:     2,
		About: "Jeg leser hundrevis av søknader i året og vil gjerne hjelpe deg å få frem det du faktisk kan. " +
			"Jeg er ærlig i tilbakemeldingene mine.",
	},
	{
		Email: "elin.sjoberg@example.org", Name: "Elin Sjöberg", Lang: "sv", Timezone: "Europe/Stockholm",
		Languages: []string{"sv", "nb", "en"}, Location: "Strömstad", OnlineOK: true,
		Field:        "Prosjektledelse og bygg",
		Skills:       "Projektledning\nUpphandling\nAtt leda möten\nLedarskap i team",
		Interests:    "Kajak, trädgård",
		Education:    "Civilingenjör, väg och vatten",
		CareerStage:  "senior",
		Availability: "Måndagar efter kl. 16, helst digitalt",
		Organisation: "Västkust Bygg AB",
		Capacity:     1,
		About: "Jag har lett byggprojekt på båda sidor om gränsen och vet hur olika arbetskulturen kan vara " +
			"även mellan grannländer. Jag träffas helst digitalt.",
	},
	{
		Email: "johan.lindqvist@example.org", Name: "Johan Lindqvist", Lang: "sv", Timezone: "Europe/Stockholm",
		Languages: []string{"sv", "en"}, Location: "Göteborg", OnlineOK: true,
		Field:        "IT og programvareutvikling",
		Skills:       "Systemutveckling\nKodgranskning\nTekniska intervjuer\nPortfolio på GitHub",
		Interests:    "Brädspel, löpning",
		Education:    "Kandidat i datavetenskap",
		CareerStage:  "senior",
		Availability: "Torsdagskvällar",
		Organisation: "Nordsken IT AB",
		Capacity:     2,
		About:        "Jag har anställt utvecklare från hela världen och hjälper gärna till med tekniska intervjuer och att visa upp det man har byggt.",
	},
	{
		Email: "dewi.lestari@example.org", Name: "Dewi Lestari", Lang: "id", Timezone: "Europe/Oslo",
		Languages: []string{"id", "nb", "en"}, Location: "Tønsberg", OnlineOK: true,
		Field:        "Helse og omsorg",
		Skills:       "Autorisasjon som helsepersonell\nMedisinsk norsk\nTurnusarbeid",
		Interests:    "Matlaging, fotturer",
		Education:    "Sykepleier, videreutdanning i geriatri",
		CareerStage:  "senior",
		Availability: "Varierer med turnus, avtales fra uke til uke",
		Organisation: "Tønsberg helsehus",
		Capacity:     1,
		About: "Saya datang ke Norwegia sebagai perawat dua belas tahun lalu. Jeg husker godt hvor lang veien " +
			"til autorisasjon var, og deler gjerne det jeg lærte.",
	},
	{
		Email: "james.whitfield@example.org", Name: "James Whitfield", Lang: "en", Timezone: "Europe/Oslo",
		Languages: []string{"en", "nb"}, Location: "Horten", OnlineOK: false,
		Field:        "Logistikk og lager",
		Skills:       "Warehouse operations\nForklift certification\nShift planning\nSafety culture",
		Interests:    "Football, cooking",
		Education:    "BSc in supply chain management",
		CareerStage:  "senior",
		Availability: "Weekday mornings before nine",
		Organisation: "Havnelager Horten AS",
		Capacity:     1,
		About: "I moved here from Manchester eleven years ago and learned Norwegian on the warehouse floor. " +
			"Happy to show you around and introduce you to people who hire.",
	},
	{
		Email: "ragnhild.moen@example.org", Name: "Ragnhild Moen", Lang: "nb", Timezone: "Europe/Oslo",
		Languages: []string{"nb", "en"}, Location: "Holmestrand", OnlineOK: true,
		Field:        "Frivillighet og foreningsdrift",
		Skills:       "Styrearbeid\nSøknader om tilskudd\nRekruttering av frivillige",
		Education:    "Bachelor i sosialt arbeid",
		CareerStage:  "senior",
		Availability: "Mandagskvelder",
		Organisation: "Holmestrand frivilligsentral",
		Capacity:     1,
		About:        "Daglig leder i frivilligsentralen. Sammen med styreleder Arild Strand mentorerer vi en nyere forening.",
	},
	{
		Email: "arild.strand@example.org", Name: "Arild Strand", Lang: "nb", Timezone: "Europe/Oslo",
		Languages: []string{"nb"}, Location: "Holmestrand", OnlineOK: false,
		Field:        "Frivillighet og foreningsdrift",
		Skills:       "Økonomi og regnskap for lag og foreninger\nÅrsmøter\nSamarbeid med kommunen",
		Education:    "Revisor",
		CareerStage:  "retired",
		Availability: "Fleksibel",
		Organisation: "Holmestrand frivilligsentral",
		Capacity:     1,
		About:        "Styreleder i frivilligsentralen og tidligere revisor. Jeg tar meg av tall og vedtekter.",
	},
	{
		Email: "gustav.ek@example.org", Name: "Gustav Ek", Lang: "sv", Timezone: "Europe/Stockholm",
		Pending:   true,
		Languages: []string{"sv", "nb", "en"}, Location: "Halden", OnlineOK: true,
		Field:        "Økonomi og regnskap",
		Skills:       "Redovisning\nBokslut\nAtt starta eget företag",
		Education:    "Civilekonom",
		CareerStage:  "senior",
		Availability: "Fredagar",
		Organisation: "Ek Redovisning AB",
		Capacity:     1,
		About:        "Jag driver en liten redovisningsbyrå och vill gärna hjälpa någon som funderar på att starta eget.",
	},
}

var mentees = []person{
	{
		Email: "ahmad.rahimi@example.org", Name: "Ahmad Rahimi", Lang: "en", Timezone: "Europe/Oslo",
		Languages: []string{"en", "nb", "fa"}, Location: "Tønsberg", OnlineOK: true,
		Field:        "Maskin og industri",
		Needs:        "Norsk fagspråk\nForstå hvordan team jobber i norske bedrifter\nGodkjenning av utdanning",
		Goals:        "Få en jobb som vedlikeholdsingeniør innen ett år",
		Interests:    "Fotball, sykling",
		Education:    "Bachelor in mechanical engineering",
		CareerStage:  "mid",
		Availability: "Ettermiddager etter norskkurset",
		About: "I worked six years with maintenance of production lines before I came to Norway. " +
			"Jeg snakker norsk på B1-nivå og vil bli tryggere i faglige samtaler.",
	},
	{
		Email: "siti.rahmawati@example.org", Name: "Siti Rahmawati", Lang: "id", Timezone: "Europe/Oslo",
		Languages: []string{"id", "en", "nb"}, Location: "Tønsberg", OnlineOK: true,
		Field:        "Helse og omsorg",
		Needs:        "Autorisasjon som sykepleier\nMedisinsk norsk\nHospitering",
		Goals:        "Sende komplett søknad om autorisasjon og få hospiteringsplass",
		Interests:    "Musikk, baking",
		Education:    "Sarjana keperawatan (sykepleie)",
		CareerStage:  "mid",
		Availability: "Formiddager",
		About:        "Saya perawat dengan pengalaman lima tahun di rumah sakit di Surabaya. Jeg lærer norsk og jobber som assistent på et sykehjem.",
	},
	{
		Email: "putu.wirawan@example.org", Name: "Putu Wirawan", Lang: "id", Timezone: "Europe/Oslo",
		Languages: []string{"id", "en"}, Location: "Larvik", OnlineOK: true,
		Field:        "IT og programvareutvikling",
		Needs:        "Tekniske intervjuer\nPortefølje\nKjennskap til IT-bransjen i Norge",
		Goals:        "Få første utviklerjobb eller trainee-plass",
		Interests:    "Surfing, fotografi",
		Education:    "Bachelor of computer science",
		CareerStage:  "early",
		Availability: "Kvelder og helger",
		About:        "I build web applications in Go and TypeScript. Saya ingin belajar cara melamar kerja di Norwegia.",
	},
	{
		Email: "olena.kovalenko@example.org", Name: "Olena Kovalenko", Lang: "nb", Timezone: "Europe/Oslo",
		Languages: []string{"uk", "en", "nb"}, Location: "Sandefjord", OnlineOK: true,
		Field:        "Utdanning og oppvekst",
		Needs:        "Godkjenning som lærer\nNorsk skolekultur\nSøknad og intervju",
		Goals:        "Få jobb som assistent i skolen mens godkjenningen behandles",
		Interests:    "Korsang, strikking",
		Education:    "Master i pedagogikk",
		CareerStage:  "mid",
		Availability: "Mandag og onsdag",
		About:        "Jeg var lærer i matematikk i femten år. Nå vil jeg forstå hvordan norsk skole fungerer og komme tilbake til klasserommet.",
	},
	{
		Email: "linnea.karlsson@example.org", Name: "Linnea Karlsson", Lang: "sv", Timezone: "Europe/Oslo",
		Languages: []string{"sv", "en", "nb"}, Location: "Horten", OnlineOK: true,
		Field:        "Prosjektledelse og bygg",
		Needs:        "Nätverk i Vestfold\nFörstå norska arbetsgivare\nLöneförhandling",
		Goals:        "Fast anställning som projektingenjör före årsskiftet",
		Interests:    "Klättring, podcasts",
		Education:    "Högskoleingenjör, byggteknik",
		CareerStage:  "early",
		Availability: "Flexibel",
		About:        "Jag flyttade till Horten med min sambo och har ett vikariat. Jag vill förstå hur man bygger en karriär här.",
	},
	{
		Email: "yusuf.abdi@example.org", Name: "Yusuf Abdi", Lang: "nb", Timezone: "Europe/Oslo",
		Languages: []string{"so", "nb", "en"}, Location: "Horten", OnlineOK: false,
		Field:        "Logistikk og lager",
		Needs:        "Truckførerbevis\nVei fra deltid til fast stilling",
		Goals:        "Ta truckførerbevis og få fast stilling",
		Interests:    "Fotball, familie",
		Education:    "Videregående skole",
		CareerStage:  "early",
		Availability: "Formiddager, jobber kveldsskift",
		About:        "Jeg jobber deltid på et lager og vil gjerne ha mer ansvar og fast jobb.",
	},
	{
		Email: "amira.haddad@example.org", Name: "Amira Haddad", Lang: "en", Timezone: "Europe/Oslo",
		Languages: []string{"ar", "en", "fr", "nb"}, Location: "Sandefjord", OnlineOK: true,
		Field:        "HR og rekruttering",
		Needs:        "Norwegian labour law basics\nNetworking\nPresenting foreign experience",
		Goals:        "Land an HR assistant or recruiter role",
		Interests:    "Yoga, reading",
		Education:    "Master in human resource management",
		CareerStage:  "mid",
		Availability: "Weekdays",
		About:        "I led recruitment for a hotel chain in Beirut for seven years. I want to learn how hiring works in Norway.",
	},
	{
		Email: "leila.nasser@example.org", Name: "Leila Nasser", Lang: "nb", Timezone: "Europe/Oslo",
		Languages: []string{"nb", "ar", "en"}, Location: "Horten", OnlineOK: true,
		Field:        "Frivillighet og foreningsdrift",
		Needs:        "Styrearbeid\nSøke om tilskudd\nRekruttere og beholde frivillige",
		Goals:        "Foreningen har vedtekter, et fungerende styre og sin første tildeling av midler",
		Education:    "Bachelor i økonomi",
		CareerStage:  "senior",
		Availability: "Kvelder",
		Organisation: "Internasjonalt kvinnenettverk Horten",
		About:        "Jeg leder en ny forening som samler kvinner fra mange land. Vi vil lære av en forening som har holdt på lenge.",
	},
	{
		Email: "daniel.tesfaye@example.org", Name: "Daniel Tesfaye", Lang: "nb", Timezone: "Europe/Oslo",
		Languages: []string{"ti", "en", "nb"}, Location: "Tønsberg", OnlineOK: true,
		Field:        "Maskin og vedlikehold",
		Needs:        "Norske standarder og HMS-regler\nSøknad og CV for industrien",
		Goals:        "Få jobb som maskiningeniør eller vedlikeholdstekniker",
		Education:    "Bachelor i maskinteknikk",
		CareerStage:  "mid",
		Availability: "Ettermiddager",
		About:        "Jeg jobbet seks år med vedlikehold i en sementfabrikk før jeg kom til Norge. Nå vil jeg tilbake til faget.",
	},
	{
		Email: "rizky.pratama@example.org", Name: "Rizky Pratama", Lang: "id", Timezone: "Europe/Oslo",
		Pending:   true,
		Languages: []string{"id", "en"}, Location: "Larvik", OnlineOK: true,
		Field:        "Elektro",
		Needs:        "Godkjenning av fagbrev\nNorsk fagspråk",
		Goals:        "Jobbe som elektriker med norsk fagbrev",
		Education:    "Diploma teknik elektro",
		CareerStage:  "mid",
		Availability: "Helger",
		About:        "Saya teknisi listrik. I have worked with electrical installations for eight years.",
	},
}
