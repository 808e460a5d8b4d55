//! The platform's `check` keeps a copy of the agency in the Worker and reads, in one statement
//! per batch, the stamps that say whether that copy is still what D1 holds (migration 0020):
//! the agency's people stamp, which moves whenever anyone's row or access changes, and its tree
//! stamp. A person's row is read again only when the people stamp has moved since the copy read
//! it, and their kept access only when their own access stamp has moved too; the tree, whole,
//! only when the tree stamp has. So a batch about people asked about before, at an agency where
//! nothing changed since, reads no one's row, and a batch after a change reads a thousand short
//! rows instead of their grants and every node above them. Either way it decides on the same
//! state as a full load: a copy is used only when its stamps are the ones D1 answered in this
//! statement (R23).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use domain::{CustomRole, Grant, Snapshot, UserId};
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;

use super::Db;
use super::part::{AGENCY_JSON, Access, AgencyRow, Columns, NODE_JSON, NodeRow, UserRow, json};
use crate::error::ApiError;

/// The most agencies whose copies one Worker keeps, and the most people per agency; past them
/// a copy is dropped and read again (a Worker's memory is small, and D1 is the truth).
const AGENCIES: usize = 16;
const PEOPLE: usize = 50_000;

/// What this Worker keeps of one agency: a snapshot of its whole tree and of the people asked
/// about so far, with the stamps it holds of them.
struct Copy {
    tree_stamp: i64,
    snapshot: Snapshot,
    /// The stamps of each person whose row and grants the snapshot holds as D1 last said.
    stamps: HashMap<String, Held>,
}

/// When a person in a copy was read: the agency's people stamp at that moment, and their own
/// access stamp then.
#[derive(Clone, Copy, PartialEq)]
struct Held {
    people: i64,
    access: i64,
}

thread_local! {
    static COPIES: RefCell<HashMap<String, Copy>> = RefCell::new(HashMap::new());
}

/// A person's row as the statement answers it: their own columns, their access stamp, and their
/// kept access (without the nodes, which come from the tree) when the Worker's copy is missing
/// or has another stamp. It is `None` too when it is not kept at all (a database written around
/// the triggers): then the copy, which does not hold them at that stamp, is not used.
#[derive(Deserialize)]
struct PersonRow(UserRow, i64, Option<Access>);

/// The agency's tree and people stamps, with the tree when the Worker's copy is missing or
/// older.
#[derive(Deserialize)]
struct TreeRow(i64, i64, Option<Vec<NodeRow>>);

/// The service token's row (`None`: no such token) and what `answer` made of the snapshot
/// (`None`: the token names no agency).
pub type Answered<T> = (Option<serde_json::Value>, Option<T>);

/// Reads `users` of the service token's agency as `check` and `filter` need them, in one D1
/// round trip, and answers on the Worker's copy of the agency with them in it. `Ok(None)`: the
/// copy could not be used this time (someone's access is not kept, or another request changed
/// the copy while this one read); the caller loads the usual way.
pub async fn answer<T>(
    db: &Db,
    token_digest: &str,
    users: &BTreeSet<UserId>,
    answer: impl FnOnce(&Snapshot) -> T,
) -> Result<Option<Answered<T>>, ApiError> {
    let (people, trees) = COPIES.with_borrow(|copies| {
        // User ids are unique across agencies; the statement keeps to the token's own.
        let held = |user: &str| copies.values().find_map(|c| c.stamps.get(user).copied());
        let people: Vec<(&str, Option<i64>, Option<i64>)> = users
            .iter()
            .map(|u| {
                let held = held(&u.0);
                (u.0.as_str(), held.map(|h| h.access), held.map(|h| h.people))
            })
            .collect();
        let trees: HashMap<&str, i64> = copies
            .iter()
            .map(|(id, c)| (id.as_str(), c.tree_stamp))
            .collect();
        (
            serde_json::to_string(&people).unwrap_or_default(),
            serde_json::to_string(&trees).unwrap_or_default(),
        )
    });
    // Stamps travel inside JSON text: they are 64-bit, and a JavaScript number would round them.
    let sql = format!(
        "WITH p AS (SELECT t.agency_id AS agency, a.people_stamp AS people
                    FROM service_tokens t JOIN agencies a ON a.id = t.agency_id
                    WHERE t.token_hash = ?1)
         SELECT ({}) AS actor,
           (SELECT {AGENCY_JSON} FROM agencies a, p WHERE a.id = p.agency) AS agency,
           (SELECT json_array(a.tree_stamp, a.people_stamp, json(CASE
                WHEN a.tree_stamp = (SELECT j.value FROM json_each(?3) j WHERE j.key = a.id)
                THEN NULL
                ELSE (SELECT json_group_array({NODE_JSON}) FROM nodes n WHERE n.agency_id = a.id)
              END))
            FROM agencies a, p WHERE a.id = p.agency) AS tree,
           (SELECT json_group_array(json_array(
                json_array(u.id, u.email, u.name, u.state, u.calling_enabled, u.contact_edit,
                    u.invitation_expires_at, u.support, NULL),
                u.access_stamp,
                json(CASE WHEN u.access_stamp = j.value ->> 1 THEN NULL
                          ELSE json_remove(NULLIF(u.access_json, ''), '$.nodes') END)))
            FROM p CROSS JOIN json_each(?2) j CROSS JOIN users u ON u.id = j.value ->> 0
            WHERE (j.value ->> 2) IS NOT p.people AND u.agency_id = p.agency) AS users",
        super::platform::CALLER_SQL,
    );
    let params = [
        JsValue::from_str(token_digest),
        JsValue::from_str(&people),
        JsValue::from_str(&trees),
    ];
    let row = db
        .prepare(sql)
        .bind(&params)?
        .all()
        .await?
        .first_row()?
        .ok_or_else(|| ApiError::Internal("the check's load answered no row".into()))?;
    let columns = Columns(&row);
    let actor = columns
        .text("actor")?
        .as_deref()
        .map(json::<serde_json::Value>)
        .transpose()?;
    let Some(agency) = columns.text("agency")?.as_deref().map(json::<AgencyRow>) else {
        return Ok(Some((actor, None)));
    };
    let agency = agency?.into_agency()?;
    let tree: TreeRow = json(&columns.document("tree")?)?;
    let people = tree.1;
    let rows: Vec<PersonRow> = json(&columns.document("users")?)?;
    // From here to the answer nothing waits, so no other request sees the copy half put.
    COPIES.with_borrow_mut(|copies| {
        let id = agency.id.clone();
        let Some(mut copy) = copy_at(copies.remove(&id), agency, tree)? else {
            return Ok(None);
        };
        let answered = match put_people(&mut copy, rows, users, people) {
            Ok(true) => Some((actor, Some(answer(&copy.snapshot)))),
            Ok(false) => None,
            // The copy and D1 disagree: start again from nothing next time.
            Err(_) => return Ok(None),
        };
        if copy.stamps.len() <= PEOPLE {
            if copies.len() >= AGENCIES {
                copies.clear();
            }
            copies.insert(id, copy);
        }
        Ok(answered)
    })
}

/// The copy of the agency at the tree D1 answered: the one kept, or a new one with the people
/// of the one kept carried over. `None` when neither can be had without reading again.
fn copy_at(
    kept: Option<Copy>,
    agency: domain::Agency,
    tree: TreeRow,
) -> Result<Option<Copy>, ApiError> {
    let TreeRow(stamp, _, nodes) = tree;
    let Some(nodes) = nodes else {
        // D1 sent no tree: the stamp sent was the kept copy's, unless another request
        // replaced that copy meanwhile.
        return Ok(kept
            .filter(|copy| copy.tree_stamp == stamp)
            .map(|mut copy| {
                copy.snapshot.set_agency(agency);
                copy
            }));
    };
    let nodes = nodes.into_iter().map(NodeRow::into_node).collect();
    let Ok(snapshot) = Snapshot::build(agency, nodes, Vec::new(), Vec::new(), Vec::new()) else {
        return Err(ApiError::Internal("the stored tree is inconsistent".into()));
    };
    let mut copy = Copy {
        tree_stamp: stamp,
        snapshot,
        stamps: HashMap::new(),
    };
    // Whoever the tree's change touched has a new access stamp, and is read again when asked
    // about; the others come over as they were.
    if let Some(old) = kept {
        for user in old.snapshot.users() {
            let Some(&held) = old.stamps.get(&user.id.0) else {
                continue;
            };
            let grants: Vec<Grant> = old.snapshot.grants_of(&user.id).cloned().collect();
            let roles = held_roles(&old.snapshot, &grants);
            copy.snapshot.put_user(user.clone());
            if copy.snapshot.put_grants(&user.id, grants, roles).is_ok() {
                copy.stamps.insert(user.id.0.clone(), held);
            }
        }
    }
    Ok(Some(copy))
}

/// The custom roles `grants` name, as `snapshot` holds them.
fn held_roles(snapshot: &Snapshot, grants: &[Grant]) -> Vec<CustomRole> {
    snapshot
        .custom_roles()
        .filter(|r| {
            grants
                .iter()
                .any(|g| matches!(&g.role, domain::RoleRef::Custom(id) if *id == r.id))
        })
        .cloned()
        .collect()
}

/// Puts each person D1 answered into the copy: their row always, their grants when D1 sent
/// them. D1 answers no row for someone the copy read at the agency's current people stamp
/// (nothing about anyone has changed since), nor for someone not in the agency. `Ok(false)`
/// when the copy holds someone's grants at another access stamp than D1's: the copy cannot
/// answer about them. An error when the copy holds someone asked about, read at another people
/// stamp, whom D1 no longer has, or when what D1 sent does not fit the copy.
fn put_people(
    copy: &mut Copy,
    rows: Vec<PersonRow>,
    asked: &BTreeSet<UserId>,
    people: i64,
) -> Result<bool, ApiError> {
    let inconsistent = |e| ApiError::Internal(format!("the platform's copy: {e}"));
    let mut found = std::collections::HashSet::with_capacity(rows.len());
    for PersonRow(user, stamp, access) in rows {
        let user = user.into_user()?;
        let id = user.id.clone();
        found.insert(id.0.clone());
        copy.snapshot.put_user(user);
        match access {
            Some(access) => {
                copy.stamps.remove(&id.0);
                let (grants, _, roles) = access.into_parts()?;
                copy.snapshot
                    .put_grants(&id, grants, roles)
                    .map_err(inconsistent)?;
            }
            None => match copy.stamps.get(&id.0) {
                Some(held) if held.access == stamp => {}
                _ => return Ok(false),
            },
        }
        let held = Held {
            people,
            access: stamp,
        };
        copy.stamps.insert(id.0, held);
    }
    // Someone asked about whom D1 did not answer is someone the copy read at this very people
    // stamp, or someone not in the agency (another agency's, or no one's), who must not be in
    // the copy either: if they are, the copy is wrong, and is dropped.
    for user in asked {
        let current = copy.stamps.get(&user.0).is_some_and(|h| h.people == people);
        if !found.contains(&user.0) && !current && copy.snapshot.user(user).is_some() {
            return Err(inconsistent(domain::SnapshotError::MissingUser(
                user.clone(),
            )));
        }
    }
    Ok(true)
}
