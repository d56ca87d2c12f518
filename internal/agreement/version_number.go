package agreement

import (
	"strconv"

	"mentorskap/internal/errs"
)

// VersionNumber reads a version number from the path or the query; one
// that does not parse names no version.
func VersionNumber(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, errs.E(errs.NotFound, "agreement.error.no_version")
	}
	return n, nil
}
