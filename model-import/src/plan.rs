//! Offline arena planner: places every intermediate tensor in one arena so
//! that tensors whose lifetimes overlap never share bytes.
//!
//! Greedy by size: tensors are placed largest first, each at the lowest
//! 16-byte aligned offset that does not collide with an already placed tensor
//! alive at the same time (lifetime = first producing operator up to the last
//! consuming operator, inclusive).

/// Alignment of every tensor in the arena.
pub const ALIGN: usize = 16;

/// A buffer to place: size in bytes and the operator range it lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// Size in bytes.
    pub size: usize,
    /// Index of the first operator that touches it.
    pub first: usize,
    /// Index of the last operator that touches it.
    pub last: usize,
}

/// The result of planning: one offset per request and the arena size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Byte offset of each request, in request order.
    pub offsets: Vec<usize>,
    /// Total arena bytes (a multiple of [`ALIGN`]).
    pub arena_bytes: usize,
}

fn align_up(v: usize) -> usize {
    v.div_ceil(ALIGN) * ALIGN
}

/// Plans the arena for `reqs`.
pub fn plan(reqs: &[Request]) -> Plan {
    let mut order: Vec<usize> = (0..reqs.len()).collect();
    order.sort_by(|&a, &b| {
        reqs[b]
            .size
            .cmp(&reqs[a].size)
            .then(reqs[a].first.cmp(&reqs[b].first))
            .then(a.cmp(&b))
    });
    let mut offsets = vec![0usize; reqs.len()];
    let mut placed: Vec<usize> = Vec::new();
    let mut arena = 0usize;
    for &i in &order {
        let r = reqs[i];
        let mut busy: Vec<(usize, usize)> = placed
            .iter()
            .filter(|&&j| reqs[j].first <= r.last && r.first <= reqs[j].last)
            .map(|&j| (offsets[j], offsets[j] + reqs[j].size))
            .collect();
        busy.sort_unstable();
        let mut off = 0usize;
        for (start, end) in busy {
            if off + r.size <= start {
                break;
            }
            off = off.max(align_up(end));
        }
        offsets[i] = off;
        arena = arena.max(align_up(off + r.size));
        placed.push(i);
    }
    Plan {
        offsets,
        arena_bytes: arena,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(reqs: &[Request], p: &Plan) {
        for i in 0..reqs.len() {
            assert_eq!(p.offsets[i] % ALIGN, 0);
            assert!(p.offsets[i] + reqs[i].size <= p.arena_bytes);
            for j in 0..i {
                let live = reqs[i].first <= reqs[j].last && reqs[j].first <= reqs[i].last;
                let (a0, a1) = (p.offsets[i], p.offsets[i] + reqs[i].size);
                let (b0, b1) = (p.offsets[j], p.offsets[j] + reqs[j].size);
                if live && reqs[i].size > 0 && reqs[j].size > 0 {
                    assert!(a1 <= b0 || b1 <= a0, "{i} and {j} overlap: {p:?}");
                }
            }
        }
    }

    #[test]
    fn chain_reuses_memory() {
        // a -> b -> c: a and c never live together, so they share offset 0.
        let reqs = [
            Request {
                size: 100,
                first: 0,
                last: 1,
            },
            Request {
                size: 50,
                first: 1,
                last: 2,
            },
            Request {
                size: 100,
                first: 2,
                last: 3,
            },
        ];
        let p = plan(&reqs);
        check(&reqs, &p);
        assert_eq!(p.offsets[0], 0);
        assert_eq!(p.offsets[2], 0);
        assert_eq!(p.offsets[1], 112);
        assert_eq!(p.arena_bytes, 176);
    }

    proptest! {
        #[test]
        fn never_overlaps_live_tensors(v in proptest::collection::vec((1usize..5000, 0usize..20, 0usize..5), 1..30)) {
            let reqs: Vec<Request> = v.iter().map(|&(size, first, len)| Request { size, first, last: first + len }).collect();
            let p = plan(&reqs);
            check(&reqs, &p);
            // Never worse than putting everything side by side.
            let sum: usize = reqs.iter().map(|r| align_up(r.size)).sum();
            prop_assert!(p.arena_bytes <= sum);
        }
    }
}
