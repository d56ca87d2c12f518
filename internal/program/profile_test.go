package program

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/store"
	"mentorskap/internal/store/storetest"
)

func goodProfile() Profile {
	return Profile{
		Languages: []string{"nb", "en", "nb", " fil "}, Location: "Bergen", OnlineOK: true,
		Field: "Health care", Skills: "  Leadership \r\n\r\nWriting applications\n", Needs: "ignored for mentors",
		Goals: "Help a newcomer find their feet", Interests: "Hiking", Education: "MSc nursing",
		CareerStage: "senior", Availability: "Tuesday evenings", Organisation: "Haukeland", Capacity: 3,
		About: "Twenty years on the ward.",
	}
}

func TestSaveProfile(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newProgEnv(t, db)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord)
		mentor := e.user(account.RoleMember, "nb")
		mentee := e.user(account.RoleMember, "en")
		e.participant(prog.ID, mentor, "mentor", StatusPending, 1)
		e.participant(prog.ID, mentee, "mentee", StatusApproved, 1)

		part, err := e.svc.SaveProfile(ctx, mentor, prog.ID, goodProfile())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(part.Languages, []string{"nb", "en", "fil"}) || part.Skills != "Leadership\nWriting applications" ||
			part.Capacity != 3 || part.CareerStage != "senior" || !part.OnlineOK || part.Status != StatusPending {
			t.Fatalf("saved %+v", part)
		}

		// A mentee's capacity is always one, whatever is posted.
		p := goodProfile()
		p.Capacity = 0
		p.Needs = "Confidence in interviews"
		part, err = e.svc.SaveProfile(ctx, mentee, prog.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		if part.Capacity != 1 || part.Needs != "Confidence in interviews" {
			t.Fatalf("mentee %+v", part)
		}

		// The coordinator reads it; nobody else does.
		_, got, err := e.svc.ViewParticipant(ctx, coord, prog.ID, mentor.ID)
		if err != nil || got.Organisation != "Haukeland" {
			t.Fatalf("coordinator view %+v %v", got, err)
		}
		_, _, err = e.svc.ViewParticipant(ctx, mentee, prog.ID, mentor.ID)
		wantKind(t, err, errs.Forbidden)
		other := e.user(account.RoleCoordinator, "en")
		e.program(other)
		_, _, err = e.svc.ViewParticipant(ctx, other, prog.ID, mentor.ID)
		wantKind(t, err, errs.NotFound)
		_, err = e.svc.SaveProfile(ctx, other, prog.ID, goodProfile())
		wantKind(t, err, errs.NotFound)
		_, _, err = e.svc.MyParticipation(ctx, coord, prog.ID)
		if ee, _ := errs.As(err); ee == nil || ee.Key != "enrol.error.not_participant" {
			t.Fatalf("coordinator's own profile: %v", err)
		}
	})
}

func TestProfileValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newProgEnv(t, db)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord)
		mentor := e.user(account.RoleMember, "nb")
		e.participant(prog.ID, mentor, "mentor", StatusApproved, 2)
		before, err := GetParticipant(ctx, db, prog.ID, mentor.ID)
		if err != nil {
			t.Fatal(err)
		}

		cases := []struct {
			name       string
			change     func(*Profile)
			field, key string
		}{
			{"uppercase code", func(p *Profile) { p.Languages = []string{"EN"} }, "languages", "enrol.error.language_code"},
			{"word not code", func(p *Profile) { p.Languages = []string{"nb", "english"} }, "languages", "enrol.error.language_code"},
			{"no language", func(p *Profile) { p.Languages = nil }, "languages", "enrol.error.languages_required"},
			{"capacity low", func(p *Profile) { p.Capacity = 0 }, "capacity", "enrol.error.capacity_range"},
			{"capacity high", func(p *Profile) { p.Capacity = MaxCapacity + 1 }, "capacity", "enrol.error.capacity_range"},
			{"long about", func(p *Profile) { p.About = strings.Repeat("å", MaxProfileText+1) }, "about", "error.too_long"},
			{"long skills", func(p *Profile) { p.Skills = strings.Repeat("x", MaxProfileText+1) }, "skills", "error.too_long"},
			{"long location", func(p *Profile) { p.Location = strings.Repeat("x", MaxProfileText+1) }, "location", "error.too_long"},
			{"stage", func(p *Profile) { p.CareerStage = "boss" }, "career_stage", "error.choice_invalid"},
		}
		for _, c := range cases {
			p := goodProfile()
			c.change(&p)
			_, err := e.svc.SaveProfile(ctx, mentor, prog.ID, p)
			if err == nil {
				t.Fatalf("%s: accepted", c.name)
			}
			wantField(t, err, c.field, c.key)
		}
		// Exactly at the limit is fine.
		p := goodProfile()
		p.About = strings.Repeat("å", MaxProfileText)
		p.Capacity = MaxCapacity
		if _, err := e.svc.SaveProfile(ctx, mentor, prog.ID, p); err != nil {
			t.Fatal(err)
		}
		after, _ := GetParticipant(ctx, db, prog.ID, mentor.ID)
		if before.About == after.About || after.Capacity != MaxCapacity {
			t.Fatal("a valid profile was not saved")
		}
	})
}

func TestRefusedProfileChangesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newProgEnv(t, db)
		coord := e.user(account.RoleCoordinator, "en")
		prog := e.program(coord)
		mentor := e.user(account.RoleMember, "nb")
		e.participant(prog.ID, mentor, "mentor", StatusApproved, 2)
		if _, err := e.svc.SaveProfile(ctx, mentor, prog.ID, goodProfile()); err != nil {
			t.Fatal(err)
		}
		saved, _ := GetParticipant(ctx, db, prog.ID, mentor.ID)
		e.clk.Advance(60e9)
		bad := goodProfile()
		bad.Location = "Oslo"
		bad.Capacity = 99
		if _, err := e.svc.SaveProfile(ctx, mentor, prog.ID, bad); err == nil {
			t.Fatal("accepted")
		}
		now, _ := GetParticipant(ctx, db, prog.ID, mentor.ID)
		if now.Location != saved.Location || !now.UpdatedAt.Equal(saved.UpdatedAt) {
			t.Fatalf("refused save changed the row: %+v", now)
		}
	})
}
