package i18n

// Localizer is a message argument that renders itself in the reader's
// language, for values that are themselves translatable (a list of
// language names, say), so that T and Msg can fill them in like any other
// argument.
type Localizer interface {
	Localize(l *Locale) string
}
