# after the first commit on main ("one"): an annotated tag v1 there, a branch dev with "dev",
# and main moved on to "two"
git tag -a -m v1 v1
git checkout -q -b dev
echo dev > version
git commit -q -am dev
git checkout -q main
echo two > version
git commit -q -am two
# a branch and a (lightweight) tag with the same name on different commits: BuildKit prefers the
# branch
git branch same dev
git tag same v1^{commit}
