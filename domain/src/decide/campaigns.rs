//! Deciding about dialer campaigns (§7).

use crate::access::Capability;
use crate::campaign::{MAX_CAMPAIGN_GROUPS, MAX_CAMPAIGNS};
use crate::event::Event;
use crate::input::Name;
use crate::model::{Campaign, CampaignId, NodeId};
use crate::rule::{Refusal, Rule, refuse};

use super::*;

impl Decider<'_> {
    /// The campaign `id`, if there is one; one the actor may not see reads as none (R2).
    fn visible(&self, id: &CampaignId) -> Result<Option<&Campaign>, Refusal> {
        match self.s.campaign(id) {
            Some(c)
                if self
                    .s
                    .can(self.actor, Capability::CampaignsView, &c.node, self.now) =>
            {
                Ok(Some(c))
            }
            Some(_) => refuse(Rule::R2, format!("There is no campaign {id}")),
            None => Ok(None),
        }
    }

    /// Creates a campaign (`new`), or changes one: the actor manages campaigns where it is
    /// and, for a move, where it was; its name is the agency's only one of that name; its
    /// groups are the agency's.
    pub(crate) fn save_campaign(
        &self,
        id: &CampaignId,
        name: &Name,
        node: &NodeId,
        groups: &[Name],
        new: bool,
    ) -> Result<Vec<Event>, Refusal> {
        if !crate::command::valid_id(&id.0) {
            return refuse(
                Rule::Input,
                "A campaign's id is 1 to 100 letters, digits, '-' or '_'",
            );
        }
        self.node(node)?;
        if new && self.s.campaign(id).is_some() {
            return refuse(Rule::Conflict, format!("Campaign {id} already exists"));
        }
        let existing = self.visible(id)?;
        match existing {
            Some(before) => self.need(Capability::CampaignsManage, &before.node, Rule::R10)?,
            None if !new => return refuse(Rule::R2, format!("There is no campaign {id}")),
            None => {}
        }
        self.need(Capability::CampaignsManage, node, Rule::R10)?;
        let taken = self
            .s
            .campaigns()
            .find(|c| c.id != *id && c.name.to_lowercase() == name.as_str().to_lowercase());
        if let Some(taken) = taken {
            return refuse(
                Rule::Conflict,
                format!("There is already a campaign called {}", taken.name),
            );
        }
        if existing.is_none() && self.s.campaigns().count() >= MAX_CAMPAIGNS {
            return refuse(
                Rule::Input,
                format!("An agency has at most {MAX_CAMPAIGNS} campaigns"),
            );
        }
        if groups.len() > MAX_CAMPAIGN_GROUPS {
            return refuse(
                Rule::Input,
                format!("A campaign names at most {MAX_CAMPAIGN_GROUPS} agent groups"),
            );
        }
        let listed = &self.s.agency().agent_groups;
        let mut agent_groups: Vec<String> = Vec::with_capacity(groups.len());
        for group in groups {
            if !listed.iter().any(|g| g == group.as_str()) {
                return refuse(
                    Rule::Input,
                    format!(
                        "{:?} is not one of the agency's agent groups",
                        group.as_str()
                    ),
                );
            }
            if agent_groups.iter().any(|g| g == group.as_str()) {
                return refuse(Rule::Input, format!("{:?} is listed twice", group.as_str()));
            }
            agent_groups.push(group.as_str().to_owned());
        }
        let campaign = Campaign {
            id: id.clone(),
            name: name.as_str().to_owned(),
            node: node.clone(),
            agent_groups,
        };
        if existing == Some(&campaign) {
            return Ok(Vec::new());
        }
        Ok(vec![Event::CampaignSaved { campaign }])
    }

    /// Deletes a campaign; its groups and their members stay as they are.
    pub(crate) fn delete_campaign(&self, id: &CampaignId) -> Result<Vec<Event>, Refusal> {
        let Some(campaign) = self.visible(id)? else {
            return refuse(Rule::R2, format!("There is no campaign {id}"));
        };
        self.need(Capability::CampaignsManage, &campaign.node, Rule::R10)?;
        Ok(vec![Event::CampaignDeleted {
            campaign: id.clone(),
        }])
    }

    /// What follows from the agency's lists becoming `configured`'s: whoever had a status no
    /// longer listed has none; whoever was in a group no longer listed, and every campaign
    /// that named it, is taken out of it.
    pub(crate) fn off_the_lists(&self, configured: &Event) -> Vec<Event> {
        let Event::AgencyConfigured {
            agent_statuses,
            agent_groups,
            ..
        } = configured
        else {
            return Vec::new();
        };
        let mut events = Vec::new();
        for user in self.s.users() {
            let settings = &user.settings;
            let status_gone = settings
                .agent_status
                .as_ref()
                .is_some_and(|s| !agent_statuses.contains(s));
            let groups_gone = settings
                .agent_groups
                .iter()
                .any(|g| !agent_groups.contains(g));
            if status_gone || groups_gone {
                let mut settings = settings.clone();
                if status_gone {
                    settings.agent_status = None;
                }
                settings.agent_groups.retain(|g| agent_groups.contains(g));
                events.push(Event::SettingsChanged {
                    user: user.id.clone(),
                    settings,
                });
            }
        }
        for campaign in self.s.campaigns() {
            if campaign
                .agent_groups
                .iter()
                .any(|g| !agent_groups.contains(g))
            {
                let mut campaign = campaign.clone();
                campaign.agent_groups.retain(|g| agent_groups.contains(g));
                events.push(Event::CampaignSaved { campaign });
            }
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::BuiltinRole;
    use crate::campaign::LeftOut;
    use crate::decide::decide;
    use crate::model::{Agency, Grant, GrantId, Node, NodeKind, Plan, RoleRef, User};

    const NOW: Millis = 1_000_000;

    fn agency() -> Snapshot {
        let node = |id: &str, parent: Option<&str>, kind| Node {
            id: NodeId(id.into()),
            parent: parent.map(|p| NodeId(p.into())),
            kind,
            name: id.to_uppercase(),
        };
        let nodes = vec![
            node("root", None, NodeKind::Agency),
            node("acme", Some("root"), NodeKind::Account),
            node("harbor", Some("root"), NodeKind::Account),
        ];
        let person = |id: &str, state, groups: &[&str]| {
            let mut u = User::new(UserId(id.into()), &format!("{id}@x.example"), id, state);
            u.settings.agent_groups = groups.iter().map(|g| g.to_string()).collect();
            u
        };
        let mut off = person("olive", UserState::Active, &["Closers"]);
        off.calling_enabled = false;
        let users = vec![
            person("admin", UserState::Active, &[]),
            person("manny", UserState::Active, &[]),
            person("ann", UserState::Active, &["Closers"]),
            person("bob", UserState::Suspended, &["Closers", "Openers"]),
            person("cy", UserState::Active, &["Openers"]),
            person("dee", UserState::Active, &["Closers"]),
            person("ivy", UserState::Invited, &["Closers"]),
            off,
        ];
        let grant = |id: &str, user: &str, role, node: &str| Grant {
            id: GrantId(id.into()),
            user: UserId(user.into()),
            role: RoleRef::Builtin(role),
            node: NodeId(node.into()),
            starts_at: None,
            ends_at: None,
        };
        let grants = vec![
            grant("g0", "admin", BuiltinRole::AgencyAdministrator, "root"),
            grant("g1", "manny", BuiltinRole::Manager, "acme"),
            grant("g2", "ann", BuiltinRole::Agent, "acme"),
            grant("g3", "bob", BuiltinRole::Agent, "acme"),
            grant("g4", "cy", BuiltinRole::Agent, "acme"),
            grant("g5", "dee", BuiltinRole::Agent, "harbor"),
            grant("g6", "ivy", BuiltinRole::Agent, "acme"),
            grant("g7", "olive", BuiltinRole::Agent, "acme"),
        ];
        let mut agency = Agency::new(
            "a",
            "A",
            Plan::Seats { seats: 20 },
            UserId("admin".into()),
            0,
        );
        agency.agent_groups = vec!["Closers".into(), "Openers".into()];
        Snapshot::build(agency, nodes, users, vec![], grants).unwrap()
    }

    fn create(id: &str, name: &str, node: &str, groups: &[&str]) -> Command {
        Command::CreateCampaign {
            campaign: CampaignId(id.into()),
            name: Name::parse(name).unwrap(),
            node: NodeId(node.into()),
            agent_groups: groups.iter().map(|g| Name::parse(g).unwrap()).collect(),
        }
    }

    fn edit(id: &str, name: &str, node: &str, groups: &[&str]) -> Command {
        match create(id, name, node, groups) {
            Command::CreateCampaign {
                campaign,
                name,
                node,
                agent_groups,
            } => Command::EditCampaign {
                campaign,
                name,
                node,
                agent_groups,
            },
            _ => unreachable!(),
        }
    }

    fn by(s: &Snapshot, who: &str, command: &Command) -> Result<Vec<Event>, Refusal> {
        decide(s, &UserId(who.into()), command, NOW)
    }

    #[test]
    fn a_group_puts_every_member_on_the_campaign_and_says_why_some_do_not_dial() {
        let mut s = agency();
        let events = by(
            &s,
            "manny",
            &create("c1", "Spring renewals", "acme", &["Closers"]),
        )
        .unwrap();
        s.apply_all(&events);
        let campaign = s.campaign(&CampaignId("c1".into())).unwrap().clone();
        let dialers = s.dialers(&campaign, NOW);
        let seen: Vec<(&str, Option<LeftOut>)> = dialers
            .iter()
            .map(|d| (d.id.0.as_str(), d.left_out))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("ann", None),
                ("bob", Some(LeftOut::Suspended)),
                ("dee", Some(LeftOut::NoCallingThere)),
                ("ivy", Some(LeftOut::NotYetIn)),
                ("olive", Some(LeftOut::CallingOff)),
            ]
        );
    }

    #[test]
    fn r10_a_campaign_is_made_and_moved_only_where_the_actor_manages_campaigns() {
        let mut s = agency();
        // A Manager of Acme cannot put a campaign in Harbor, nor may an Agent make one.
        let refused = by(&s, "manny", &create("c1", "Harbor", "harbor", &[])).unwrap_err();
        assert_eq!(refused.rule, Rule::R10);
        assert_eq!(
            by(&s, "ann", &create("c1", "Mine", "acme", &[]))
                .unwrap_err()
                .rule,
            Rule::R10
        );
        // The agency's administrator makes one in Harbor. To the Manager of Acme it does not
        // exist (R2): he can neither move it into Acme nor delete it.
        let events = by(&s, "admin", &create("c1", "Harbor", "harbor", &[])).unwrap();
        s.apply_all(&events);
        assert_eq!(
            by(&s, "manny", &edit("c1", "Harbor", "acme", &[]))
                .unwrap_err()
                .rule,
            Rule::R2
        );
        let delete = Command::DeleteCampaign {
            campaign: CampaignId("c1".into()),
        };
        assert_eq!(by(&s, "manny", &delete).unwrap_err().rule, Rule::R2);
        // One he sees but may not move: made in Acme, he cannot take it to Harbor.
        let events = by(&s, "admin", &create("c2", "Acme", "acme", &[])).unwrap();
        s.apply_all(&events);
        assert_eq!(
            by(&s, "manny", &edit("c2", "Acme", "harbor", &[]))
                .unwrap_err()
                .rule,
            Rule::R10
        );
        assert!(by(&s, "manny", &edit("c2", "Acme calls", "acme", &[])).is_ok());
    }

    #[test]
    fn names_are_unique_and_groups_must_be_the_agencys() {
        let mut s = agency();
        let events = by(&s, "admin", &create("c1", "Renewals", "acme", &[])).unwrap();
        s.apply_all(&events);
        let taken = by(&s, "admin", &create("c2", "renewals", "acme", &[])).unwrap_err();
        assert_eq!(taken.rule, Rule::Conflict);
        let unknown = by(&s, "admin", &create("c2", "Other", "acme", &["Nobody"])).unwrap_err();
        assert_eq!(unknown.rule, Rule::Input);
        assert!(unknown.reason.contains("Nobody"), "{}", unknown.reason);
        let twice = by(
            &s,
            "admin",
            &create("c2", "Other", "acme", &["Closers", "Closers"]),
        );
        assert_eq!(twice.unwrap_err().rule, Rule::Input);
        // An id is made once, and only what exists is edited.
        let again = by(&s, "admin", &create("c1", "Another", "acme", &[])).unwrap_err();
        assert_eq!(again.rule, Rule::Conflict);
        let missing = by(&s, "admin", &edit("c9", "Ghost", "acme", &[])).unwrap_err();
        assert_eq!(missing.rule, Rule::R2);
        // Saving what is already there changes nothing.
        assert_eq!(
            by(&s, "admin", &edit("c1", "Renewals", "acme", &[])).unwrap(),
            vec![]
        );
    }

    #[test]
    fn a_group_taken_off_the_list_leaves_its_members_and_campaigns() {
        let mut s = agency();
        let events = by(
            &s,
            "admin",
            &create("c1", "Both", "acme", &["Closers", "Openers"]),
        )
        .unwrap();
        s.apply_all(&events);
        let configure = Command::ConfigureAgency {
            agent_statuses: None,
            agent_groups: Some(vec![Name::parse("Closers").unwrap()]),
            require_two_factor: None,
            session_idle_minutes: None,
        };
        let events = by(&s, "admin", &configure).unwrap();
        s.apply_all(&events);
        let cy = s.user(&UserId("cy".into())).unwrap();
        assert!(cy.settings.agent_groups.is_empty());
        let bob = s.user(&UserId("bob".into())).unwrap();
        assert_eq!(bob.settings.agent_groups, vec!["Closers".to_owned()]);
        let campaign = s.campaign(&CampaignId("c1".into())).unwrap();
        assert_eq!(campaign.agent_groups, vec!["Closers".to_owned()]);
    }

    #[test]
    fn a_node_with_a_campaign_is_not_deleted() {
        let mut s = agency();
        let events = by(&s, "admin", &create("c1", "Harbor", "harbor", &[])).unwrap();
        s.apply_all(&events);
        let refused = by(
            &s,
            "admin",
            &Command::DeleteNode {
                node: NodeId("harbor".into()),
            },
        )
        .unwrap_err();
        assert_eq!(refused.rule, Rule::Conflict);
        assert!(refused.reason.contains("Harbor"), "{}", refused.reason);
    }
}
