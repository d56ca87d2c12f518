package jobs

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"mentorskap/internal/evaluation"
	"mentorskap/internal/program"
	"mentorskap/internal/store"
	"mentorskap/internal/webhook"
)

// JobCheckpointOpened tells a program's webhooks that a check point's
// window opened for a pair. The scan queues one per window and pair under
// a key, so every instance's scan together queue it once; the job emits
// the event in the transaction that finishes it, so it is emitted once.
const JobCheckpointOpened = "webhooks.checkpoint_opened"

type checkpointOpened struct {
	ProgramID int64     `json:"program_id"`
	PairID    int64     `json:"pair_id"`
	Kind      string    `json:"kind"`
	OpenedAt  time.Time `json:"opened_at"`
	DueAt     time.Time `json:"due_at"`
}

// queueCheckpointOpened queues the event for every check point window open
// at now in the programs with an endpoint that wants it. Windows that
// opened before the program's first such endpoint was made are left out:
// an endpoint hears of what opens after it exists. Without such endpoints
// it is one query.
func queueCheckpointOpened(ctx context.Context, db *store.DB, now time.Time) error {
	rows, err := db.Query(ctx, `SELECT program_id, events, created_at FROM webhook_endpoints`)
	if err != nil {
		return err
	}
	since := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var events string
		var at time.Time
		if err := rows.Scan(&id, &events, &at); err != nil {
			rows.Close()
			return err
		}
		if !slices.Contains(strings.Split(events, ","), webhook.CheckpointOpened) {
			continue
		}
		if t, ok := since[id]; !ok || at.Before(t) {
			since[id] = at
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, programID := range slices.Sorted(maps.Keys(since)) {
		dues, err := evaluation.DueIn(ctx, db, program.ActivePairsOf(programID), now)
		if err != nil {
			return err
		}
		for _, pairID := range slices.Sorted(maps.Keys(dues)) {
			for _, c := range dues[pairID] {
				for _, d := range c.Waiting {
					if d.OpensAt.Before(since[programID]) {
						continue
					}
					key := fmt.Sprintf("webhook:checkpoint-opened:%d:%s:%s", pairID, d.Kind, d.DueAt.UTC().Format(time.DateOnly))
					ev := checkpointOpened{ProgramID: programID, PairID: pairID, Kind: d.Kind, OpenedAt: d.OpensAt.UTC(), DueAt: d.DueAt.UTC()}
					if _, err := Enqueue(ctx, db, JobCheckpointOpened, key, now, ev); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// emitCheckpointOpened sends the event queued by the scan: ids and times,
// nothing else.
func emitCheckpointOpened(w *Worker) Handler {
	return func(ctx context.Context, db *store.DB, j *Job) error {
		var ev checkpointOpened
		if err := j.Decode(&ev); err != nil {
			return err
		}
		return db.Tx(ctx, func(tx *store.Tx) error {
			now := w.Clock.Now().UTC()
			if err := Finish(ctx, tx, j, now); err != nil {
				return err
			}
			return webhook.Emit(ctx, tx, now, ev.ProgramID, webhook.CheckpointOpened, map[string]any{
				"pair_id": ev.PairID, "program_id": ev.ProgramID, "kind": ev.Kind,
				"opened_at": ev.OpenedAt.Format(time.RFC3339), "due_at": ev.DueAt.Format(time.RFC3339)})
		})
	}
}
