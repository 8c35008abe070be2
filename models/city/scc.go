package city

// markLargestSCC finds the strongly connected components of the
// turn-expanded graph (states are edges, transitions allowed turns) with
// Tarjan's algorithm (Tarjan 1972, SIAM J. Comput. 1(2)), iteratively, in
// O(E + T) time for E edges and T allowed turns, and marks the edges of the
// component with the largest total length in g.InSCC. Ties go to the
// component found first (deterministic: edges are visited in id order).
func markLargestSCC(g *RoadGraph) {
	m := g.NumEdges()
	g.InSCC = make([]bool, m)
	if m == 0 {
		return
	}
	comp := tarjan(m, g.Successors)
	lengthOf := map[int32]float64{}
	best, bestLen := int32(-1), -1.0
	for e, c := range comp {
		lengthOf[c] += g.LengthM[e]
	}
	for e := 0; e < m; e++ { // visit components in order of their first edge
		c := comp[e]
		if l := lengthOf[c]; l > bestLen || l == bestLen && c < best {
			best, bestLen = c, l
		}
	}
	for e, c := range comp {
		g.InSCC[e] = c == best
	}
}

// tarjan labels each of the n states with its strongly connected
// component, given the successor function.
func tarjan(n int, next func(EdgeID) []EdgeID) []int32 {
	const unvisited = -1
	index := make([]int32, n)
	low := make([]int32, n)
	comp := make([]int32, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i], comp[i] = unvisited, unvisited
	}
	var stack []int32
	type frame struct{ v, child int32 }
	var call []frame
	counter, ncomp := int32(0), int32(0)
	for root := 0; root < n; root++ {
		if index[root] != unvisited {
			continue
		}
		call = append(call[:0], frame{int32(root), 0})
		index[root], low[root] = counter, counter
		counter++
		stack = append(stack, int32(root))
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			succ := next(EdgeID(f.v))
			if int(f.child) < len(succ) {
				w := int32(succ[f.child])
				f.child++
				if index[w] == unvisited {
					index[w], low[w] = counter, counter
					counter++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] && index[w] < low[f.v] {
					low[f.v] = index[w]
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				if p := call[len(call)-1].v; low[v] < low[p] {
					low[p] = low[v]
				}
			}
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = ncomp
					if w == v {
						break
					}
				}
				ncomp++
			}
		}
	}
	return comp
}
