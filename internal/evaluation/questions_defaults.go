package evaluation

// defaultQuestion is one question a new program starts with, worded in
// every supported language. Options, when given, have the same count and
// order in each language: answers store the option's index.
type defaultQuestion struct {
	Type    string
	Prompt  map[string]string
	Options map[string][]string
}

// texts are the question's wording per language, as a stored question has it.
func (d defaultQuestion) texts() map[string]Text {
	texts := make(map[string]Text, len(d.Prompt))
	for lang, p := range d.Prompt {
		texts[lang] = Text{Prompt: p, Options: d.Options[lang]}
	}
	return texts
}

// defaultQuestions are the questions each program starts with per check
// point. The coordinator changes them per program; these stay as written.
var defaultQuestions = map[string][]defaultQuestion{
	KindFollowup: {
		{Type: TypeScale, Prompt: map[string]string{
			"en": "How well is your agreement working for you so far?",
			"nb": "Hvor godt fungerer avtalen deres for deg så langt?",
			"sv": "Hur bra fungerar er överenskommelse för dig hittills?",
			"id": "Sejauh ini, seberapa baik kerja sama Anda berdua berjalan menurut Anda?",
		}},
		{Type: TypeYesNo, Prompt: map[string]string{
			"en": "Are you meeting as often as you agreed?",
			"nb": "Møtes dere så ofte som dere ble enige om?",
			"sv": "Träffas ni så ofta som ni kom överens om?",
			"id": "Apakah Anda berdua bertemu sesering yang sudah disepakati?",
		}},
		{Type: TypeText, Prompt: map[string]string{
			"en": "What has been good so far?",
			"nb": "Hva har vært bra til nå?",
			"sv": "Vad har varit bra hittills?",
			"id": "Apa yang sudah berjalan baik sejauh ini?",
		}},
		{Type: TypeText, Prompt: map[string]string{
			"en": "What could be better?",
			"nb": "Hva kunne vært bedre?",
			"sv": "Vad skulle kunna bli bättre?",
			"id": "Apa yang masih bisa diperbaiki?",
		}},
	},
	KindMidpoint: {
		{Type: TypeScale, Prompt: map[string]string{
			"en": "How useful has the mentoring been for you so far?",
			"nb": "Hvor nyttig har mentorskapet vært for deg hittil?",
			"sv": "Hur givande har mentorskapet varit för dig hittills?",
			"id": "Seberapa bermanfaat mentoring ini bagi Anda sampai sekarang?",
		}},
		{Type: TypeChoice, Prompt: map[string]string{
			"en": "How do you find the pace of your meetings?",
			"nb": "Hva synes du om tempoet i møtene deres?",
			"sv": "Vad tycker du om takten på era möten?",
			"id": "Bagaimana menurut Anda frekuensi pertemuan Anda berdua?",
		}, Options: map[string][]string{
			"en": {"Too seldom", "About right", "Too often"},
			"nb": {"For sjelden", "Passe", "For ofte"},
			"sv": {"För sällan", "Lagom", "För ofta"},
			"id": {"Terlalu jarang", "Sudah pas", "Terlalu sering"},
		}},
		{Type: TypeYesNo, Prompt: map[string]string{
			"en": "Does your agreement still fit the way you work together?",
			"nb": "Passer avtalen fortsatt til måten dere jobber sammen på?",
			"sv": "Passar överenskommelsen fortfarande hur ni arbetar tillsammans?",
			"id": "Apakah perjanjian Anda berdua masih sesuai dengan cara Anda bekerja sama?",
		}},
		{Type: TypeText, Prompt: map[string]string{
			"en": "What has been good in the first half?",
			"nb": "Hva har fungert godt i første halvdel?",
			"sv": "Vad har fungerat bra under första halvan?",
			"id": "Apa yang berjalan baik di paruh pertama?",
		}},
		{Type: TypeText, Prompt: map[string]string{
			"en": "What would you like to do differently in the second half?",
			"nb": "Hva vil du gjøre annerledes i andre halvdel?",
			"sv": "Vad vill du göra annorlunda under andra halvan?",
			"id": "Apa yang ingin Anda lakukan secara berbeda di paruh kedua?",
		}},
	},
	KindFinal: {
		{Type: TypeScale, Prompt: map[string]string{
			"en": "Looking back, how useful was the mentoring for you?",
			"nb": "Når du ser tilbake, hvor nyttig var mentorskapet for deg?",
			"sv": "När du ser tillbaka, hur givande var mentorskapet för dig?",
			"id": "Jika melihat ke belakang, seberapa bermanfaat mentoring ini bagi Anda?",
		}},
		{Type: TypeText, Prompt: map[string]string{
			"en": "What did you achieve?",
			"nb": "Hva har du oppnådd?",
			"sv": "Vad har du uppnått?",
			"id": "Apa yang berhasil Anda capai?",
		}},
		{Type: TypeText, Prompt: map[string]string{
			"en": "What is left that you want to keep working on?",
			"nb": "Hva gjenstår som du vil jobbe videre med?",
			"sv": "Vad återstår som du vill fortsätta arbeta med?",
			"id": "Apa yang masih tersisa dan ingin terus Anda kerjakan?",
		}},
		{Type: TypeChoice, Prompt: map[string]string{
			"en": "Will you stay in touch after the program?",
			"nb": "Kommer dere til å holde kontakten etter programmet?",
			"sv": "Kommer ni att hålla kontakten efter programmet?",
			"id": "Apakah Anda berdua akan tetap berhubungan setelah program selesai?",
		}, Options: map[string][]string{
			"en": {"Yes, regularly", "Now and then", "Probably not"},
			"nb": {"Ja, jevnlig", "Av og til", "Neppe"},
			"sv": {"Ja, regelbundet", "Då och då", "Troligen inte"},
			"id": {"Ya, secara rutin", "Sesekali", "Mungkin tidak"},
		}},
		{Type: TypeYesNo, Prompt: map[string]string{
			"en": "Would you recommend the program to a colleague?",
			"nb": "Vil du anbefale programmet til en kollega?",
			"sv": "Skulle du rekommendera programmet till en kollega?",
			"id": "Apakah Anda akan merekomendasikan program ini kepada rekan kerja?",
		}},
	},
}
