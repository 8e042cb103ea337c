// Package repocheck holds tests about the repository as a whole rather than
// one package: no function longer than a screenful or two (funclen_test.go),
// and deployment files that stay hardened and pinned (deploy_test.go). It
// has no code of its own.
package repocheck
