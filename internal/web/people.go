package web

import (
	"strings"

	"mentorskap/internal/program"
	"mentorskap/internal/question"
)

// avatarRef is what the "avatar" partial draws.
type avatarRef struct {
	ID   int64
	Name string
	Size string
}

// Pixels is the drawn size; the stylesheet sets the same, the attributes
// keep the layout still while the image loads.
func (a avatarRef) Pixels() int {
	switch a.Size {
	case "large":
		return 96
	case "medium":
		return 56
	}
	return 32
}

// personCard is a person as their pair and their coordinators see them:
// the parts of the program profile that say who they are, not the parts
// used only for matching.
type personCard struct {
	UserID       int64
	Name         string
	Role         string // mentor or mentee in this program
	Organisation string
	Field        string
	Languages    []string
	// Answers to the program's own questions shared with the partner
	// (internal/question); filled on the pair's page only.
	Answers []question.Shown
}

// LanguageList names the card's languages, each in itself when the site
// knows it ("Norsk bokmål, English"), otherwise by the code given.
func (c personCard) LanguageList() string {
	names := make([]string, len(c.Languages))
	for i, l := range c.Languages {
		names[i] = langName(l)
	}
	return strings.Join(names, ", ")
}

// cardView pairs a card with the page, for the partial's translations.
type cardView struct {
	P *Page
	C personCard
}

// Card hands a profile card to the "person_card" partial.
func (p *Page) Card(c personCard) cardView { return cardView{P: p, C: c} }

// pairCards reads the profile cards of a pair's members in its program,
// the members other than skip first (skip is the viewer, or 0 for all).
// A member whose participation row is gone (a deleted account) gets a card
// with the name the pair shows.
func pairCards(p *program.Pair, parts map[int64]program.MemberCard, skip int64) []personCard {
	var cards []personCard
	for _, list := range [][]program.PairMember{p.Mentors, p.Mentees} {
		for _, m := range list {
			if m.UserID == skip {
				continue
			}
			c := personCard{UserID: m.UserID, Name: m.Name, Role: m.Side}
			if part, ok := parts[m.UserID]; ok {
				c.Organisation, c.Field, c.Languages = part.Organisation, part.Field, part.Languages
			}
			cards = append(cards, c)
		}
	}
	return cards
}
