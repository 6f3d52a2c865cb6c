package cli

import "github.com/hoard-dev/hoard/dal"

func spec(key string) dal.Spec        { return dal.Spec{Key: []string{key}} }
func specMerge(merge string) dal.Spec { return dal.Spec{Merge: merge} }
