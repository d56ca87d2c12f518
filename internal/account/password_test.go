package account

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// The test binary's cheap hashes are real Argon2id hashes that record their
// own cost, and a hash at the production cost (as stored by a real server)
// still verifies beside them.
func TestCheapTestHashesStillArgon2id(t *testing.T) {
	t.Parallel()
	h := HashPassword("correct horse")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("test binary hash: %s", h)
	}
	if !CheckPassword(h, "correct horse") || CheckPassword(h, "wrong horse") {
		t.Fatal("cheap hash does not verify as a hash")
	}
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("correct horse"), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	real := fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
	if !CheckPassword(real, "correct horse") || CheckPassword(real, "wrong horse") {
		t.Fatal("production-cost hash does not verify")
	}
}
