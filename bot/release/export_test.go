package release

// SectionText is sectionText, for the tests outside the package.
var SectionText = sectionText
