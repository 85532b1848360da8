//! How the site finds entities fast: by kind and name through a hash map, or by position.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::{Entity, Kind};

/// The multiply-rotate hash of rustc (FxHash). Pages look up hundreds of names each, and
/// SipHash's protection against chosen collisions costs more than it buys here: the names come
/// from the repository being rendered, whose authors could only slow down their own render.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut last = [0; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ rest.len() as u64);
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The product's high bits are the well-mixed ones; hash tables index by the low bits.
        self.0.rotate_left(26)
    }
}

/// A hash map with [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// Values by entity kind and name as written (names borrowed from the entities).
pub struct ByName<'a, V>([FxHashMap<&'a str, V>; Kind::ALL.len()]);

impl<'a, V> ByName<'a, V> {
    pub fn new() -> Self {
        ByName(Default::default())
    }

    pub fn get(&self, kind: Kind, name: &str) -> Option<&V> {
        self.0[kind as usize].get(name)
    }

    pub fn entry(&mut self, kind: Kind, name: &'a str) -> std::collections::hash_map::Entry<'_, &'a str, V> {
        self.0[kind as usize].entry(name)
    }

    pub fn par_values_mut(&mut self) -> impl ParallelIterator<Item = &mut V> + use<'_, 'a, V>
    where
        V: Send,
    {
        self.0.par_iter_mut().flat_map(|map| map.par_iter_mut().map(|(_, v)| v))
    }
}

/// Where `entity` is in `entities`, when it is one of them: a position is cheaper to keep
/// and follow than a name.
pub fn position(entities: &[Entity], entity: &Entity) -> Option<usize> {
    let size = std::mem::size_of::<Entity>().max(1);
    let offset = (entity as *const Entity as usize).checked_sub(entities.as_ptr() as usize)?;
    let i = offset / size;
    (offset % size == 0 && entities.get(i).is_some_and(|e| std::ptr::eq(e, entity))).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_of_entities_in_the_slice_only() {
        let entity = |name: &str| {
            crate::graph::testutil::entity_in(
                "Team",
                serde_json::json!({"name": name}),
                serde_json::json!({}),
                "t.yaml",
                0,
            )
        };
        let entities = vec![entity("a"), entity("b"), entity("c")];
        let elsewhere = entity("b");
        assert_eq!(position(&entities, &entities[2]), Some(2));
        assert_eq!(position(&entities[1..], &entities[2]), Some(1));
        assert_eq!(position(&entities[1..], &entities[0]), None);
        assert_eq!(position(&entities, &elsewhere), None);
    }

    #[test]
    fn names_are_found_by_kind() {
        let mut map: ByName<usize> = ByName::new();
        map.entry(Kind::Team, "x").or_insert(1);
        map.entry(Kind::Service, "x").or_insert(2);
        assert_eq!(
            (map.get(Kind::Team, "x"), map.get(Kind::Service, "x"), map.get(Kind::Sla, "x")),
            (Some(&1), Some(&2), None)
        );
    }
}
