//! The platform's `check` reads the people it is asked about in one statement that answers, for
//! each of them, their own row and a stamp of their kept access, and their kept access itself
//! only when this Worker holds no copy with that stamp (migration 0020). The agency's tree comes
//! the same way: whole, once per tree stamp. So a batch about people asked about before reads a
//! thousand short rows instead of their grants and every node above them, and decides on the
//! same state: a copy is used only when its stamp is the one D1 answered in this statement, and
//! everything else about a person (their state, their switches) is read fresh each time (R23).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use domain::{CustomRole, Grant, Millis, Snapshot, User, UserId, UserState};
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;

use super::Db;
use super::part::{AGENCY_JSON, AgencyRow, Columns, GrantRow, NODE_JSON, NodeRow, RoleRow, json};
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
    /// The access stamp of each person whose grants the snapshot holds as D1 last said.
    stamps: HashMap<String, i64>,
}

thread_local! {
    static COPIES: RefCell<HashMap<String, Copy>> = RefCell::new(HashMap::new());
}

/// A person's row as the statement answers it: their own columns, their access stamp, and their
/// kept access when the Worker's copy is missing or has another stamp. It is `None` too when
/// it is not kept at all (a database written around the triggers): then the copy, which does
/// not hold them at that stamp, is not used.
#[derive(Deserialize)]
struct PersonRow(
    String,
    String,
    String,
    UserState,
    i64,
    i64,
    Option<Millis>,
    i64,
    i64,
    Option<Access>,
);

/// A person's kept access (`users.access_json`); the nodes above their grants come from the
/// tree.
#[derive(Deserialize)]
struct Access {
    grants: Vec<GrantRow>,
    roles: Vec<RoleRow>,
}

/// The agency's tree stamp, with the tree when the Worker's copy is missing or older.
#[derive(Deserialize)]
struct TreeRow(i64, Option<Vec<NodeRow>>);

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
        let stamp = |user: &str| copies.values().find_map(|c| c.stamps.get(user).copied());
        let people: Vec<(&str, Option<i64>)> =
            users.iter().map(|u| (u.0.as_str(), stamp(&u.0))).collect();
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
        "WITH p AS (SELECT t.agency_id AS agency FROM service_tokens t WHERE t.token_hash = ?1)
         SELECT ({}) AS actor,
           (SELECT {AGENCY_JSON} FROM agencies a, p WHERE a.id = p.agency) AS agency,
           (SELECT json_array(a.tree_stamp, json(CASE
                WHEN a.tree_stamp = (SELECT j.value FROM json_each(?3) j WHERE j.key = a.id)
                THEN NULL
                ELSE (SELECT json_group_array({NODE_JSON}) FROM nodes n WHERE n.agency_id = a.id)
              END))
            FROM agencies a, p WHERE a.id = p.agency) AS tree,
           (SELECT json_group_array(json_array(u.id, u.email, u.name, u.state, u.calling_enabled,
                u.contact_edit, u.invitation_expires_at, u.support, u.access_stamp,
                json(CASE WHEN u.access_stamp = j.value ->> 1 THEN NULL
                          ELSE NULLIF(u.access_json, '') END)))
            FROM p CROSS JOIN json_each(?2) j CROSS JOIN users u ON u.id = j.value ->> 0
            WHERE u.agency_id = p.agency) AS users",
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
    let rows: Vec<PersonRow> = json(&columns.document("users")?)?;
    // From here to the answer nothing waits, so no other request sees the copy half put.
    COPIES.with_borrow_mut(|copies| {
        let id = agency.id.clone();
        let Some(mut copy) = copy_at(copies.remove(&id), agency, tree)? else {
            return Ok(None);
        };
        let put = put_people(&mut copy, rows, users);
        let answered = match put {
            Ok(true) => Some((actor, Some(answer(&copy.snapshot)))),
            Ok(false) => None,
            // What D1 holds did not make a snapshot: start again from nothing next time.
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
    let TreeRow(stamp, nodes) = tree;
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
            let Some(&stamp) = old.stamps.get(&user.id.0) else {
                continue;
            };
            let grants: Vec<Grant> = old.snapshot.grants_of(&user.id).cloned().collect();
            let roles = held_roles(&old.snapshot, &grants);
            copy.snapshot.put_user(user.clone());
            if copy.snapshot.put_grants(&user.id, grants, roles).is_ok() {
                copy.stamps.insert(user.id.0.clone(), stamp);
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
/// them. `Ok(false)` when the copy holds someone's grants at another stamp than D1's, or holds
/// someone D1 no longer has: the copy cannot answer about them.
fn put_people(
    copy: &mut Copy,
    rows: Vec<PersonRow>,
    asked: &BTreeSet<UserId>,
) -> Result<bool, domain::SnapshotError> {
    let mut found = 0;
    for PersonRow(
        id,
        email,
        name,
        state,
        calling_enabled,
        contact_edit,
        invitation_expires_at,
        support,
        stamp,
        access,
    ) in rows
    {
        found += 1;
        let mut user = User::new(UserId(id), &email, &name, state);
        user.calling_enabled = calling_enabled != 0;
        user.contact_edit = contact_edit != 0;
        user.invitation_expires_at = invitation_expires_at;
        user.support = support != 0;
        let id = user.id.clone();
        copy.snapshot.put_user(user);
        match access {
            Some(access) => {
                copy.stamps.remove(&id.0);
                let grants = access
                    .grants
                    .into_iter()
                    .map(GrantRow::into_grant)
                    .collect::<Result<_, _>>()
                    .map_err(|_| domain::SnapshotError::MissingUser(id.clone()))?;
                let roles = access
                    .roles
                    .into_iter()
                    .map(RoleRow::into_role)
                    .collect::<Result<_, _>>()
                    .map_err(|_| domain::SnapshotError::MissingUser(id.clone()))?;
                copy.snapshot.put_grants(&id, grants, roles)?;
                copy.stamps.insert(id.0, stamp);
            }
            None if copy.stamps.get(&id.0) == Some(&stamp) => {}
            None => return Ok(false),
        }
    }
    // Someone asked about whom D1 did not answer (another agency's, or no one's) must not be
    // in the copy either: if they are, the copy is wrong, and is dropped.
    if asked
        .iter()
        .filter(|u| copy.snapshot.user(u).is_some())
        .count()
        != found
    {
        return Err(domain::SnapshotError::MissingUser(UserId(String::new())));
    }
    Ok(true)
}
