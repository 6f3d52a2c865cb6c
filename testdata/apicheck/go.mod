// A module outside hoard that uses hoard's public packages the way another
// Go program would. internal/layers builds and vets it: if a public
// signature named an internal type, this code could not be written.
module example.com/apicheck

go 1.26

require github.com/hoard-dev/hoard v0.0.0

replace github.com/hoard-dev/hoard => ../..
