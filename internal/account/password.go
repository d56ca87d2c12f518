package account

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: the RFC 9106 "second recommended" profile scaled to a
// login that costs tens of milliseconds on a small server.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
)

// hashTime and hashMemory are the cost new hashes get: the constants above,
// except in test binaries that call UseCheapHashesForTests.
var hashTime, hashMemory uint32 = argonTime, argonMemory

// UseCheapHashesForTests gives every hash made from now on the least cost
// Argon2id allows (one pass over 64 KiB). A test binary's TestMain calls it
// before m.Run: under the race detector one real hash takes most of a
// second, and the tests that log people in would spend minutes on them.
// Hashes keep recording their own parameters, so CheckPassword treats them
// like any other. Outside a test binary it panics: no flag, setting or
// code path can lower the cost of real passwords.
func UseCheapHashesForTests() {
	if !testing.Testing() {
		panic("account: UseCheapHashesForTests called outside a test binary")
	}
	hashTime, hashMemory = 1, 64
	// An unknown email costs the same as a wrong password here too.
	dummyHash = HashPassword("not a real password")
}

// HashPassword returns an encoded Argon2id hash in the PHC string format.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, hashTime, hashMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, hashMemory, hashTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches the encoded hash.
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the email is unknown, so that a login
// for a missing account takes as long as one with a wrong password.
var dummyHash = HashPassword("not a real password")

// NewToken returns a random URL-safe secret and the hash under which it is
// stored. Only the hash reaches the database: a leaked table grants nothing.
func NewToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is the storage form of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// GeneratePassword returns a strong random password for `user add`.
func GeneratePassword() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
