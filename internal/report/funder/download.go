package funder

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"time"

	"mentorskap/internal/account"
	"mentorskap/internal/errs"
	"mentorskap/internal/i18n"
	"mentorskap/internal/program"
	"mentorskap/internal/report"
	"mentorskap/internal/store"
)

// A Download is a finished report or results file, built in memory so that
// a failure half-way answers with an error and not with a cut-off file.
type Download struct {
	Name, Type string
	Body       []byte
}

var reportWriters = map[string]struct {
	typ   string
	write func(io.Writer, *Report, *i18n.Locale) error
}{"pdf": {TypePDF, WritePDF}, "csv": {TypeCSV, WriteCSV}, "xlsx": {TypeXLSX, WriteXLSX}}

var resultWriters = map[string]struct {
	typ   string
	write func(io.Writer, []ResultRow, *i18n.Locale) error
}{"csv": {TypeCSV, WriteResultsCSV}, "xlsx": {TypeXLSX, WriteResultsXLSX}}

// ReportFile is the report of programID for [from, to] as a pdf, csv or
// xlsx file written in the locale lang gives for the program; Load checks
// who asks and records the download in the audit log.
func ReportFile(ctx context.Context, db *store.DB, actor *account.User, programID int64, from, to string,
	lang func(*program.Program) *i18n.Locale, now time.Time, sources []report.Source, ext string) (*Download, error) {
	w, ok := reportWriters[ext]
	if !ok {
		return nil, errs.E(errs.NotFound, "error.not_found")
	}
	var l *i18n.Locale
	rep, err := Load(ctx, db, actor, programID, from, to,
		func(p *program.Program) *i18n.Locale { l = lang(p); return l }, now, sources, "report."+ext)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := w.write(&buf, rep, l); err != nil {
		return nil, err
	}
	return &Download{Name: rep.FileName(ext), Type: w.typ, Body: buf.Bytes()}, nil
}

// ResultsFile is the program's pooled evaluation results, as its results
// page shows them, as a csv or xlsx file in the locale lang gives; Results
// checks who asks and records the download.
func ResultsFile(ctx context.Context, db *store.DB, actor *account.User, programID int64, now time.Time,
	lang func(*program.Program) *i18n.Locale, ext string) (*Download, error) {
	w, ok := resultWriters[ext]
	if !ok {
		return nil, errs.E(errs.NotFound, "error.not_found")
	}
	prog, res, err := Results(ctx, db, actor, programID, now, "evaluations."+ext)
	if err != nil {
		return nil, err
	}
	l := lang(prog)
	var buf bytes.Buffer
	if err := w.write(&buf, ResultRows(res, l), l); err != nil {
		return nil, err
	}
	return &Download{Name: "program-" + strconv.FormatInt(programID, 10) + "-evaluations." + ext, Type: w.typ, Body: buf.Bytes()}, nil
}
