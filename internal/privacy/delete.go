package privacy

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/notify"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
)

// ownData are the rows that belong to the person alone: their profile,
// their private writing and answers, and what lets them sign in. Deleting
// the account removes them. Records the pair shares (messages, shared
// notes, goals, signed agreements) stay: they are the other side's record
// too, and the deleted person is shown in them as a former participant.
var ownData = []string{
	`DELETE FROM sessions WHERE user_id = ?`,
	`DELETE FROM avatars WHERE user_id = ?`,
	`DELETE FROM api_tokens WHERE user_id = ?`,
	`DELETE FROM password_resets WHERE user_id = ?`,
	`DELETE FROM calendar_feeds WHERE user_id = ?`,
	`DELETE FROM totp_secrets WHERE user_id = ?`,
	`DELETE FROM totp_recovery_codes WHERE user_id = ?`,
	`DELETE FROM login_challenges WHERE user_id = ?`,
	`DELETE FROM sign_in_links WHERE user_id = ?`,
	`DELETE FROM sign_ins WHERE user_id = ?`,
	`DELETE FROM oidc_identities WHERE user_id = ?`,
	`DELETE FROM oidc_logins WHERE user_id = ?`,
	`DELETE FROM passkeys WHERE user_id = ?`,
	`DELETE FROM passkey_users WHERE user_id = ?`,
	`DELETE FROM webauthn_ceremonies WHERE user_id = ?`,
	`DELETE FROM private_notes WHERE user_id = ?`,
	`DELETE FROM agreement_preparations WHERE user_id = ?`,
	`DELETE FROM pair_reflections WHERE user_id = ?`,
	`DELETE FROM checkpoint_responses WHERE user_id = ?`, // with their evaluation and chemistry answers
	`DELETE FROM outcome_surveys WHERE user_id = ?`,      // their outcome follow-up answers
	`DELETE FROM message_reads WHERE user_id = ?`,
	`DELETE FROM reminder_optouts WHERE user_id = ?`,
	`DELETE FROM match_requests WHERE mentee_id = ?`,
	`UPDATE match_requests SET status = 'closed' WHERE mentor_id = ? AND status = 'open'`,
	`DELETE FROM matching_exclusions WHERE mentee_id = ? OR mentor_id = ?`,
	`DELETE FROM event_invites WHERE user_id = ?`, // their answers to events and whether they came
	`DELETE FROM participants WHERE user_id = ?`,
	`DELETE FROM program_coordinators WHERE user_id = ?`,
	`UPDATE pair_endings SET reason = '' WHERE ended_by = ?`,
}

// DeleteAccount removes the person's account after they confirm it with
// their password. Their active pairs end first, as if they had ended them
// without a reason, and the other side and the coordinators are told
// neutrally. The users row stays as an anonymous tombstone (no name, an
// address nobody can own, a password nothing matches) because pairs,
// messages and signed agreements point at it; a signed agreement keeps its
// text and hash, which the database refuses to change anyway. The last
// administrator cannot leave: the installation would have nobody to run it.
func DeleteAccount(ctx context.Context, db *store.DB, out *notify.Outbox, now time.Time, actor *account.User, password string) error {
	if actor == nil {
		return errs.E(errs.Unauthorized, "error.login_required")
	}
	now = now.UTC()
	// Wrong passwords count against the login throttle, or a borrowed
	// session could guess the password here without limit. The hash is
	// checked before the transaction, so that no write lock is held while
	// it waits for a slot.
	if err := account.ConfirmPassword(ctx, db, now, actor.ID, password, "password"); err != nil {
		return err
	}
	err := db.Tx(ctx, func(tx *store.Tx) error {
		var role, email string
		var deleted *time.Time
		err := tx.QueryRow(ctx, `SELECT role, email, deleted_at FROM users WHERE id = ?`, actor.ID).
			Scan(&role, &email, &deleted)
		if err != nil {
			return store.NotFound(err, "error.not_found")
		}
		if deleted != nil {
			return errs.E(errs.NotFound, "error.not_found")
		}
		if role == account.RoleAdmin {
			var others int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = 'admin' AND deleted_at IS NULL AND id <> ?`,
				actor.ID).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return errs.E(errs.Conflict, "privacy.error.last_admin")
			}
		}
		if err := endPairs(ctx, tx, out, now, actor.ID); err != nil {
			return err
		}
		if err := account.ForgetAddress(ctx, tx, email); err != nil {
			return err
		}
		// Emails waiting for the person would go to an address that is about
		// to disappear, and those already sent are theirs to delete; so are
		// emails about them that quote the address (a coordinator's "wants
		// to join"). The address is also the key of their failed logins and
		// of the invitations they were sent.
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM outbox WHERE to_email = ? OR body LIKE ? ESCAPE '\' OR subject LIKE ? ESCAPE '\'`,
				[]any{email, likeAny(email), likeAny(email)}},
			{`DELETE FROM invitations WHERE email = ? OR used_by = ?`, []any{email, actor.ID}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		for _, q := range ownData {
			args := make([]any, countMarks(q))
			for i := range args {
				args[i] = actor.ID
			}
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE users SET name = '', email = ?, password_hash = '!', role = 'member',
			language = '', timezone = 'UTC', deleted_at = ? WHERE id = ?`,
			Tombstone(actor.ID), now, actor.ID)
		return err
	})
	if err != nil {
		return err
	}
	// The deletion is committed; the old rows may still sit in SQLite's
	// write-ahead log. A reader holding the log makes the checkpoint wait
	// for the next one, which is no reason to tell the person their
	// account was not deleted.
	if err := db.Checkpoint(ctx); err != nil && !errors.Is(err, store.ErrCheckpointBusy) {
		return err
	}
	return nil
}

// likeAny is a LIKE pattern matching text that contains s anywhere, with
// LIKE's own wildcards in s taken literally (an address may hold "_").
func likeAny(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s) + "%"
}

// Tombstone is the address a deleted account keeps: unique, and in the
// .invalid domain no mail can ever reach.
func Tombstone(userID int64) string {
	return "deleted-" + strconv.FormatInt(userID, 10) + "@deleted.invalid"
}

// endPairs ends the person's active pairs the way a member ends one, with
// no reason given, and tells the others.
func endPairs(ctx context.Context, tx *store.Tx, out *notify.Outbox, now time.Time, userID int64) error {
	pairs, err := program.PairsForUser(ctx, tx, userID)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if !p.Active() {
			continue
		}
		closed, err := program.Close(ctx, tx, program.Ending{PairID: p.ID, How: program.EndedByMember,
			EndedBy: userID, Side: p.SideOf(userID), EndedAt: now})
		if err != nil {
			return err
		}
		if !closed {
			continue
		}
		if out == nil {
			continue
		}
		prog, err := program.Get(ctx, tx, p.ProgramID)
		if err != nil {
			return err
		}
		// The calendar files of the cancelled meetings call the person
		// who is leaving a former participant, as the pages will.
		gone := p
		gone.Mentors, gone.Mentees = formerName(p.Mentors, userID), formerName(p.Mentees, userID)
		off, err := program.ReadCalledOff(ctx, tx, out, &gone)
		if err != nil {
			return err
		}
		for _, m := range append(append([]program.PairMember{}, p.Mentors...), p.Mentees...) {
			if m.UserID == userID {
				continue
			}
			if err := off.Send(ctx, tx, now, program.Recipient(m.Email, m.Name, m.Lang, prog), m.UserID, "privacy_pair_ended",
				"name", m.Name, "program", prog.Name, "link", out.Link("/pairs/"+strconv.FormatInt(p.ID, 10))); err != nil {
				return err
			}
		}
		coords, err := program.CoordinatorRecipients(ctx, tx, prog)
		if err != nil {
			return err
		}
		for _, c := range coords {
			if err := out.Send(ctx, tx, now, c, "privacy_pair_ended_coordinator", "name", c.Name, "program", prog.Name,
				"mentors", program.Names(p.Mentors), "mentees", program.Names(p.Mentees)); err != nil {
				return err
			}
		}
	}
	return nil
}

// formerName copies a side of a pair with the leaving person's name taken
// out.
func formerName(ms []program.PairMember, userID int64) []program.PairMember {
	out := append([]program.PairMember(nil), ms...)
	for i := range out {
		if out[i].UserID == userID {
			out[i].Name = ""
		}
	}
	return out
}
