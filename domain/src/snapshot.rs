//! One agency in memory, indexed for questions of access.
//!
//! The tree is kept as an Euler tour: every node has a span `(enter, leave)` and a node lies in
//! the subtree of another exactly when its `enter` falls inside the other's span. So "does
//! this grant reach that node" (R1) is two comparisons, whatever the depth.

use foldhash::{HashMap, HashMapExt};

use crate::access::{BuiltinRole, Capability, CapabilitySet};
use crate::model::{
    Agency, Campaign, CampaignId, CustomRole, CustomRoleId, Grant, GrantId, Millis, Node, NodeId,
    NodeKind, RoleRef, User,
};
use crate::user::{UserId, UserState};

/// Why rows do not make a consistent agency.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("the agency has no root node, or more than one")]
    Root,
    #[error("node {0} is listed twice")]
    DuplicateNode(NodeId),
    #[error("node {0} names a parent that does not exist")]
    MissingParent(NodeId),
    #[error("node {0} is its own ancestor")]
    Cycle(NodeId),
    #[error("user {0} is listed twice")]
    DuplicateUser(UserId),
    #[error("grant {0} is listed twice")]
    DuplicateGrant(GrantId),
    #[error("grant {0} names a user, node or role that does not exist")]
    DanglingGrant(GrantId),
    #[error("user {0} is not in the snapshot")]
    MissingUser(UserId),
}

#[derive(Clone, Debug)]
pub(crate) struct GrantEntry {
    pub(crate) grant: Grant,
    pub(crate) node: u32,
    pub(crate) caps: CapabilitySet,
}

#[derive(Clone, Debug)]
pub(crate) struct UserEntry {
    pub(crate) user: User,
    pub(crate) grants: Vec<GrantEntry>,
}

/// An agency, or the part of it that a decision needs, indexed for access questions.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub(crate) agency: Agency,
    pub(crate) nodes: Vec<Option<Node>>,
    pub(crate) node_ix: HashMap<NodeId, u32>,
    pub(crate) parent: Vec<Option<u32>>,
    pub(crate) children: Vec<Vec<u32>>,
    pub(crate) span: Vec<(u32, u32)>,
    pub(crate) root: u32,
    pub(crate) users: Vec<UserEntry>,
    pub(crate) user_ix: HashMap<UserId, u32>,
    pub(crate) roles: HashMap<CustomRoleId, CustomRole>,
    pub(crate) grant_owner: HashMap<GrantId, u32>,
    /// Agency-wide counts, for a snapshot that holds only part of the agency.
    pub(crate) counts: Option<AgencyCounts>,
    /// The agency's campaigns, when the question is about them (they are loaded whole).
    pub(crate) campaigns: std::collections::BTreeMap<CampaignId, Campaign>,
}

/// Counts over the whole agency that a partial snapshot cannot compute from its own rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AgencyCounts {
    /// People who take a seat where seats count sign-ins (Solo, Team, Unlimited) (R31).
    pub logins: u32,
    /// People who take a seat where seats count dialers (the Seats plan) (R31).
    pub dialers: u32,
    /// Active people with a current administrator grant at the agency node (R14).
    pub top_administrators: u32,
}

impl Snapshot {
    /// Builds the snapshot from rows as storage keeps them, checking that they fit together.
    pub fn build(
        agency: Agency,
        nodes: Vec<Node>,
        users: Vec<User>,
        roles: Vec<CustomRole>,
        grants: Vec<Grant>,
    ) -> Result<Self, SnapshotError> {
        let mut node_ix = HashMap::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            if node_ix.insert(node.id.clone(), i as u32).is_some() {
                return Err(SnapshotError::DuplicateNode(node.id.clone()));
            }
        }
        let mut root = None;
        let mut parent = Vec::with_capacity(nodes.len());
        let mut children = vec![Vec::new(); nodes.len()];
        for (i, node) in nodes.iter().enumerate() {
            match &node.parent {
                None if node.kind == NodeKind::Agency && root.is_none() => {
                    root = Some(i as u32);
                    parent.push(None);
                }
                None => return Err(SnapshotError::Root),
                Some(p) => {
                    let &p = node_ix
                        .get(p)
                        .ok_or_else(|| SnapshotError::MissingParent(node.id.clone()))?;
                    children[p as usize].push(i as u32);
                    parent.push(Some(p));
                }
            }
        }
        let root = root.ok_or(SnapshotError::Root)?;
        let roles: HashMap<CustomRoleId, CustomRole> =
            roles.into_iter().map(|r| (r.id.clone(), r)).collect();
        let mut snapshot = Snapshot {
            agency,
            nodes: nodes.into_iter().map(Some).collect(),
            node_ix,
            parent,
            children,
            span: Vec::new(),
            root,
            users: Vec::with_capacity(users.len()),
            user_ix: HashMap::with_capacity(users.len()),
            roles,
            grant_owner: HashMap::with_capacity(grants.len()),
            counts: None,
            campaigns: std::collections::BTreeMap::new(),
        };
        snapshot.reindex_tree()?;
        for user in users {
            if snapshot.user_ix.contains_key(&user.id) {
                return Err(SnapshotError::DuplicateUser(user.id));
            }
            snapshot
                .user_ix
                .insert(user.id.clone(), snapshot.users.len() as u32);
            snapshot.users.push(UserEntry {
                user,
                grants: Vec::new(),
            });
        }
        for grant in grants {
            if snapshot.grant_owner.contains_key(&grant.id) {
                return Err(SnapshotError::DuplicateGrant(grant.id));
            }
            let id = grant.id.clone();
            snapshot
                .insert_grant(grant)
                .ok_or(SnapshotError::DanglingGrant(id))?;
        }
        Ok(snapshot)
    }

    /// Recomputes the spans after the shape of the tree changed.
    fn reindex_tree(&mut self) -> Result<(), SnapshotError> {
        let n = self.nodes.len();
        let mut span = vec![(u32::MAX, 0); n];
        let mut clock = 0u32;
        // Iterative depth-first walk: trees may be deep, the stack stays small.
        let mut stack: Vec<(u32, usize)> = vec![(self.root, 0)];
        span[self.root as usize].0 = clock;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&child) = self.children[node as usize].get(*next) {
                *next += 1;
                clock += 1;
                if span[child as usize].0 != u32::MAX {
                    return Err(SnapshotError::Cycle(self.node_id(child).clone()));
                }
                span[child as usize].0 = clock;
                stack.push((child, 0));
            } else {
                span[node as usize].1 = clock;
                stack.pop();
            }
        }
        // A live node the walk never reached hangs off a cycle.
        for (i, node) in self.nodes.iter().enumerate() {
            if let Some(node) = node
                && span[i].0 == u32::MAX
            {
                return Err(SnapshotError::Cycle(node.id.clone()));
            }
        }
        self.span = span;
        Ok(())
    }

    pub(crate) fn node_id(&self, ix: u32) -> &NodeId {
        &self.nodes[ix as usize].as_ref().expect("a live node").id
    }

    /// Adds a grant; `None` if its user, node or role does not exist.
    pub(crate) fn insert_grant(&mut self, grant: Grant) -> Option<()> {
        let &user = self.user_ix.get(&grant.user)?;
        let &node = self.node_ix.get(&grant.node)?;
        self.nodes[node as usize].as_ref()?;
        let caps = self.role_caps(&grant.role)?;
        self.grant_owner.insert(grant.id.clone(), user);
        self.users[user as usize]
            .grants
            .push(GrantEntry { grant, node, caps });
        Some(())
    }

    /// The capabilities a role gives, `None` for a custom role that does not exist.
    pub fn role_caps(&self, role: &RoleRef) -> Option<CapabilitySet> {
        match role {
            RoleRef::Builtin(builtin) => Some(builtin.capabilities()),
            RoleRef::Custom(id) => self.roles.get(id).map(|r| r.capabilities),
        }
    }

    /// The role's name for people.
    pub fn role_name(&self, role: &RoleRef) -> String {
        match role {
            RoleRef::Builtin(builtin) => builtin.name().to_owned(),
            RoleRef::Custom(id) => self
                .roles
                .get(id)
                .map_or_else(|| id.0.clone(), |r| r.name.clone()),
        }
    }

    /// The agency.
    pub fn agency(&self) -> &Agency {
        &self.agency
    }

    /// The agency's own node, the root of the tree.
    pub fn root(&self) -> &NodeId {
        self.node_id(self.root)
    }

    /// A node, if it exists in this agency.
    pub fn node(&self, id: &NodeId) -> Option<&Node> {
        self.nodes[*self.node_ix.get(id)? as usize].as_ref()
    }

    /// Every live node.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter().flatten()
    }

    /// A user, if they exist in this agency.
    pub fn user(&self, id: &UserId) -> Option<&User> {
        Some(&self.users[*self.user_ix.get(id)? as usize].user)
    }

    /// Every user, deleted ones included.
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.iter().map(|entry| &entry.user)
    }

    /// A user's grants, current or not.
    pub fn grants_of(&self, id: &UserId) -> impl Iterator<Item = &Grant> {
        self.user_ix
            .get(id)
            .into_iter()
            .flat_map(|&u| self.users[u as usize].grants.iter().map(|g| &g.grant))
    }

    /// A grant, if it exists.
    pub fn grant(&self, id: &GrantId) -> Option<&Grant> {
        let &user = self.grant_owner.get(id)?;
        self.users[user as usize]
            .grants
            .iter()
            .map(|g| &g.grant)
            .find(|g| &g.id == id)
    }

    /// Every grant.
    pub fn grants(&self) -> impl Iterator<Item = &Grant> {
        self.users
            .iter()
            .flat_map(|u| u.grants.iter().map(|g| &g.grant))
    }

    /// The agency's custom roles.
    pub fn custom_roles(&self) -> impl Iterator<Item = &CustomRole> {
        self.roles.values()
    }

    /// Whether `node` is `ancestor` or lies below it (R1).
    pub fn is_within(&self, node: &NodeId, ancestor: &NodeId) -> bool {
        match (self.node_ix.get(node), self.node_ix.get(ancestor)) {
            (Some(&n), Some(&a)) => self.reaches(a, n),
            _ => false,
        }
    }

    #[inline]
    pub(crate) fn reaches(&self, from: u32, to: u32) -> bool {
        let (enter, leave) = self.span[from as usize];
        let at = self.span[to as usize].0;
        enter <= at && at <= leave
    }

    /// The node and its ancestors, nearest first.
    pub fn ancestry(&self, node: &NodeId) -> Vec<&NodeId> {
        let mut out = Vec::new();
        let mut at = self.node_ix.get(node).copied();
        while let Some(ix) = at {
            out.push(self.node_id(ix));
            at = self.parent[ix as usize];
        }
        out
    }

    /// The node's path from the root, `/root/.../node/`: inside a node means starting with
    /// its path. The store keeps it beside each node.
    pub fn node_path(&self, node: &NodeId) -> Option<String> {
        self.node_ix.get(node)?;
        let mut path = String::from("/");
        for id in self.ancestry(node).into_iter().rev() {
            path.push_str(&id.0);
            path.push('/');
        }
        Some(path)
    }

    /// The nodes under which `user` has `capability` at `now`: the nodes of their current
    /// grants that give it (R1, R3, R4), outermost first, none inside another.
    pub fn reach(&self, user: &UserId, capability: Capability, now: Millis) -> Vec<&NodeId> {
        let mut nodes: Vec<&NodeId> = self
            .grants_of(user)
            .filter(|g| g.is_active(now) && self.can(user, capability, &g.node, now))
            .map(|g| &g.node)
            .collect();
        nodes.sort_by_key(|n| self.ancestry(n).len());
        let mut out: Vec<&NodeId> = Vec::new();
        for node in nodes {
            if !out.iter().any(|outer| self.is_within(node, outer)) {
                out.push(node);
            }
        }
        out
    }

    /// Whether `actor` may see `target` at `now`: themselves, or someone holding a grant inside
    /// the actor's `users.view` reach (R1, R10).
    pub fn can_view_user(&self, actor: &UserId, target: &UserId, now: Millis) -> bool {
        if actor == target {
            return self.user(actor).is_some();
        }
        self.grants_of(target)
            .any(|g| self.can(actor, Capability::UsersView, &g.node, now))
    }

    /// What `user` may do at `node` at time `now`: the union of the roles of their current
    /// grants at the node and its ancestors (R1, R3), with the per-user switches applied (R4),
    /// and nothing at all unless they are active (R16, R23, R24).
    pub fn capabilities_at(&self, user: &UserId, node: &NodeId, now: Millis) -> CapabilitySet {
        match (self.user_ix.get(user), self.node_ix.get(node)) {
            (Some(&u), Some(&n)) if self.nodes[n as usize].is_some() => self.caps_ix(u, n, now),
            _ => CapabilitySet::EMPTY,
        }
    }

    /// What `user`'s roles give at `node` at time `now`, before their own calling switch takes
    /// `calls.make` away: what they may hand out to others (R4, R11). The switch limits what its
    /// holder does, not what they may grant.
    pub fn grantable_at(&self, user: &UserId, node: &NodeId, now: Millis) -> CapabilitySet {
        let caps = self.capabilities_at(user, node, now);
        if self.user(user).is_some_and(|u| !u.calling_enabled) {
            let dials = CapabilitySet::of(&[Capability::CallsMake]);
            return caps.union(self.held_ix(user, node, now).intersection(dials));
        }
        caps
    }

    /// The roles' capabilities at a node for an active person, no switch applied.
    fn held_ix(&self, user: &UserId, node: &NodeId, now: Millis) -> CapabilitySet {
        let (Some(&u), Some(&n)) = (self.user_ix.get(user), self.node_ix.get(node)) else {
            return CapabilitySet::EMPTY;
        };
        let entry = &self.users[u as usize];
        if entry.user.state != UserState::Active || self.nodes[n as usize].is_none() {
            return CapabilitySet::EMPTY;
        }
        let mut caps = CapabilitySet::EMPTY;
        for grant in &entry.grants {
            if self.reaches(grant.node, n) && grant.grant.is_active(now) {
                caps = caps.union(grant.caps);
            }
        }
        caps
    }

    #[inline]
    pub(crate) fn caps_ix(&self, user: u32, node: u32, now: Millis) -> CapabilitySet {
        let entry = &self.users[user as usize];
        let only = match entry.user.state {
            UserState::Active => CapabilitySet::all(),
            // R16: a notification-only person receives notifications and nothing else.
            UserState::NotificationOnly => CapabilitySet::of(&[Capability::NotificationsReceive]),
            UserState::Invited | UserState::Suspended | UserState::Deleted => {
                return CapabilitySet::EMPTY;
            }
        };
        let mut caps = CapabilitySet::EMPTY;
        for grant in &entry.grants {
            if self.reaches(grant.node, node) && grant.grant.is_active(now) {
                caps = caps.union(grant.caps);
            }
        }
        Self::switches(&entry.user, caps).intersection(only)
    }

    /// R4: the contact-edit switch adds `contacts.edit` wherever the person has access at all;
    /// the calling switch, off, takes `calls.make` away everywhere.
    pub(crate) fn switches(user: &User, caps: CapabilitySet) -> CapabilitySet {
        let mut caps = caps;
        if user.contact_edit && caps.contains(Capability::Login) {
            caps = caps.with(Capability::ContactsEdit);
        }
        if !user.calling_enabled {
            caps = caps.without(Capability::CallsMake);
        }
        caps
    }

    /// Whether `user` may use `capability` at `node` at time `now`.
    pub fn can(&self, user: &UserId, capability: Capability, node: &NodeId, now: Millis) -> bool {
        self.capabilities_at(user, node, now).contains(capability)
    }

    /// Whether the user holds, at the root, a current Administrator or Agency Administrator
    /// grant: the people R14 keeps at least one of.
    pub fn is_top_administrator(&self, user: &UserId, now: Millis) -> bool {
        self.user(user)
            .is_some_and(|u| u.state == UserState::Active)
            && self
                .grants_of(user)
                .any(|g| self.is_top_admin_grant(g, now))
    }

    pub(crate) fn is_top_admin_grant(&self, grant: &Grant, now: Millis) -> bool {
        grant.node == *self.root()
            && grant.is_active(now)
            && matches!(
                grant.role,
                RoleRef::Builtin(BuiltinRole::AgencyAdministrator | BuiltinRole::Administrator)
            )
    }

    /// How many active people hold an administrator grant at the root (R14): counted here for
    /// a whole agency, given by [`AgencyCounts`] for a partial one.
    pub fn top_administrator_count(&self, now: Millis) -> u32 {
        match self.counts {
            Some(counts) => counts.top_administrators,
            None => self.top_administrators(now).len() as u32,
        }
    }

    /// Takes out the person added last, if `id` is them, with their grants: a bulk add decides
    /// each line on the agency as it was, without the lines before it (they cannot meet: each
    /// adds someone else, and its seats are counted apart).
    #[cfg_attr(not(feature = "import"), allow(dead_code))]
    pub(crate) fn forget_newest_user(&mut self, id: &UserId) {
        if self.users.last().is_some_and(|e| &e.user.id == id)
            && let Some(entry) = self.users.pop()
        {
            self.user_ix.remove(id);
            for grant in entry.grants {
                self.grant_owner.remove(&grant.grant.id);
            }
        }
    }

    /// Replaces the agency's own row (its name, plan, owner and lists); the tree stays.
    pub fn set_agency(&mut self, agency: Agency) {
        self.agency = agency;
    }

    /// Puts `user` in the snapshot: a new person with no grants, or the new state of someone
    /// it holds, who keeps their grants.
    pub fn put_user(&mut self, user: User) {
        match self.user_ix.get(&user.id) {
            Some(&u) => self.users[u as usize].user = user,
            None => {
                self.user_ix
                    .insert(user.id.clone(), self.users.len() as u32);
                self.users.push(UserEntry {
                    user,
                    grants: Vec::new(),
                });
            }
        }
    }

    /// Gives `user`, whom the snapshot holds, exactly `grants`, with the custom roles they name
    /// as they are now. A role whose capabilities changed is changed for everyone holding it.
    /// On an error (a grant at a node the snapshot does not have, or of a role it does not
    /// know), the person is left with the grants that could be put.
    pub fn put_grants(
        &mut self,
        user: &UserId,
        grants: Vec<Grant>,
        roles: Vec<CustomRole>,
    ) -> Result<(), SnapshotError> {
        for role in roles {
            let changed = self
                .roles
                .get(&role.id)
                .is_some_and(|old| old.capabilities != role.capabilities);
            let (id, caps) = (role.id.clone(), role.capabilities);
            self.roles.insert(role.id.clone(), role);
            if changed {
                let role = RoleRef::Custom(id);
                for entry in self.users.iter_mut().flat_map(|u| u.grants.iter_mut()) {
                    if entry.grant.role == role {
                        entry.caps = caps;
                    }
                }
            }
        }
        let u = *self
            .user_ix
            .get(user)
            .ok_or_else(|| SnapshotError::MissingUser(user.clone()))?;
        for old in std::mem::take(&mut self.users[u as usize].grants) {
            self.grant_owner.remove(&old.grant.id);
        }
        for grant in grants {
            let id = grant.id.clone();
            if grant.user != *user {
                return Err(SnapshotError::DanglingGrant(id));
            }
            if self.grant_owner.contains_key(&grant.id) {
                return Err(SnapshotError::DuplicateGrant(id));
            }
            self.insert_grant(grant)
                .ok_or(SnapshotError::DanglingGrant(id))?;
        }
        Ok(())
    }

    /// Marks this snapshot as part of an agency whose whole counts are `counts`.
    pub fn with_counts(mut self, counts: AgencyCounts) -> Self {
        self.counts = Some(counts);
        self
    }

    /// This snapshot with the agency's campaigns.
    pub fn with_campaigns(mut self, campaigns: impl IntoIterator<Item = Campaign>) -> Self {
        self.campaigns = campaigns.into_iter().map(|c| (c.id.clone(), c)).collect();
        self
    }

    /// The agency's campaigns, if they were loaded.
    pub fn campaigns(&self) -> impl Iterator<Item = &Campaign> {
        self.campaigns.values()
    }

    /// One campaign, if it was loaded.
    pub fn campaign(&self, id: &CampaignId) -> Option<&Campaign> {
        self.campaigns.get(id)
    }

    /// The active people who hold an administrator grant at the root (R14), among those
    /// this snapshot holds.
    pub fn top_administrators(&self, now: Millis) -> Vec<&UserId> {
        self.users
            .iter()
            .map(|e| &e.user.id)
            .filter(|id| self.is_top_administrator(id, now))
            .collect()
    }
}

impl Snapshot {
    /// Recomputes the spans after a node was added, moved or deleted. Moves are decided so
    /// that no cycle can form; should one appear anyway, the spans keep their last good state.
    pub(crate) fn reindex(&mut self) {
        let _ = self.reindex_tree();
    }
}
