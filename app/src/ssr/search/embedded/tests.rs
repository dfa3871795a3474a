//! Tests of the embedded engine: the contract, generations, corruption.

use super::*;
use crate::ssr::search::contract;

#[tokio::test]
async fn the_embedded_index_meets_the_search_contract() {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = EmbeddedIndex::open(dir.path()).expect("opens");
    let failures = contract::check(&index).await;
    assert!(
        failures.is_empty(),
        "contract failures:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn a_reopened_index_keeps_its_documents_and_a_rebuild_leaves_one_generation() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let index = EmbeddedIndex::open(dir.path()).expect("opens");
        index
            .rebuild(contract::corpus(), None, &|_| {})
            .await
            .expect("rebuilds");
    }
    let index = EmbeddedIndex::open(dir.path()).expect("reopens");
    assert_eq!(
        index.count().await.expect("counts"),
        contract::corpus().len() as u64
    );
    let generations = generation_numbers(&dir.path().join(""));
    assert_eq!(
        generations.len(),
        1,
        "old generations are removed: {generations:?}"
    );
}

#[tokio::test]
async fn a_rebuild_by_another_process_is_picked_up_by_a_running_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = EmbeddedIndex::open(dir.path())
        .expect("opens")
        .with_generation_check(Duration::ZERO);
    server
        .upsert(&contract::corpus()[..2])
        .await
        .expect("writes");
    assert_eq!(server.count().await.expect("counts"), 2);
    // `server reindex` in another process: its own handle on the same directory.
    let cli = EmbeddedIndex::open(dir.path()).expect("opens beside the server");
    cli.rebuild(contract::corpus(), None, &|_| {})
        .await
        .expect("rebuilds while the server has a writer");
    assert_eq!(
        server.count().await.expect("counts"),
        contract::corpus().len() as u64
    );
}

#[tokio::test]
async fn an_unreadable_index_is_reported_as_corrupt_and_can_be_recreated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = {
        let index = EmbeddedIndex::open(dir.path()).expect("opens");
        index.upsert(&contract::corpus()).await.expect("writes");
        read_current(dir.path()).expect("has a current generation")
    };
    std::fs::write(dir.path().join(&name).join("meta.json"), "{ not json").expect("sabotage");
    assert!(matches!(
        EmbeddedIndex::open(dir.path()),
        Err(SearchError::Corrupt(_))
    ));
    let fresh = EmbeddedIndex::recreate(dir.path()).expect("recreates");
    assert_eq!(fresh.count().await.expect("counts"), 0);
    assert!(
        EmbeddedIndex::open(dir.path()).is_ok(),
        "the new generation is the live one"
    );
}

#[tokio::test]
async fn the_outbox_position_is_committed_with_the_documents_and_survives_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let index = EmbeddedIndex::open(dir.path()).expect("opens");
        assert_eq!(
            index.checkpoint().await.expect("reads"),
            Some(0),
            "a new index starts at 0"
        );
        index
            .apply(&contract::corpus()[..2], &[], Some(41))
            .await
            .expect("writes");
        index
            .apply(&contract::corpus()[2..3], &[], None)
            .await
            .expect("writes");
        assert_eq!(
            index.checkpoint().await.expect("reads"),
            Some(41),
            "None keeps the position"
        );
    }
    let index = EmbeddedIndex::open(dir.path()).expect("reopens");
    assert_eq!(index.checkpoint().await.expect("reads"), Some(41));
    index
        .rebuild(contract::corpus(), Some(99), &|_| {})
        .await
        .expect("rebuilds");
    assert_eq!(
        index.checkpoint().await.expect("reads"),
        Some(99),
        "a rebuild carries its snapshot's position"
    );
    let mut stamps = index.stamps().await.expect("reads stamps");
    stamps.sort_unstable();
    let expected: Vec<(i64, i64)> = contract::corpus().iter().map(|d| (d.id, d.stamp)).collect();
    assert_eq!(stamps, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_keep_answering_in_full_while_the_index_is_rebuilt() {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = Arc::new(EmbeddedIndex::open(dir.path()).expect("opens"));
    let corpus = contract::corpus();
    index.upsert(&corpus).await.expect("writes");
    // The contract corpus has one expired programme.
    let open = corpus.len() as u64 - 1;
    let searcher = {
        let index = index.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            for _ in 0..200 {
                let r = index
                    .search(&SearchQuery::default(), contract::open_on())
                    .await
                    .expect("searches");
                seen.push(r.total);
            }
            seen
        })
    };
    for _ in 0..5 {
        index
            .rebuild(corpus.clone(), None, &|_| {})
            .await
            .expect("rebuilds");
    }
    let seen = searcher.await.expect("joins");
    assert!(
        seen.iter().all(|&n| n == open),
        "every search saw the whole catalogue: {seen:?}"
    );
}

/// The generation's directory (the one holding a `meta.json`) under `root`.
fn generation_dir(root: &Path) -> std::path::PathBuf {
    std::fs::read_dir(root)
        .expect("reads the index root")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.join("meta.json").exists())
        .expect("a generation")
}

fn files(dir: &Path) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("reads")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// A server killed while it commits a delete leaves the segment's new `.del` file behind, with
/// the commit (meta.json) that would name it never written. After the restart the same delete
/// comes again at the same operation stamp, so tantivy wants the same file name: the write
/// must succeed (the crash test once caught a start failing with `FileAlreadyExists`).
#[tokio::test]
async fn a_write_left_half_done_by_a_killed_process_does_not_stop_the_next_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = contract::corpus();
    let gen_dir = {
        let index = EmbeddedIndex::open(dir.path()).expect("opens");
        index
            .apply(&corpus[..3], &[], Some(1))
            .await
            .expect("writes");
        generation_dir(dir.path())
    };
    // The commit as it was before the delete, and the files the delete then wrote.
    let meta_before = std::fs::read(gen_dir.join("meta.json")).expect("meta");
    let before = files(&gen_dir);
    {
        let index = EmbeddedIndex::open(dir.path()).expect("reopens");
        index
            .apply(&[], &[corpus[0].id], Some(2))
            .await
            .expect("deletes");
    }
    let left: Vec<String> = files(&gen_dir).difference(&before).cloned().collect();
    assert!(
        left.iter().any(|f| f.ends_with(".del")),
        "the delete wrote a .del file: {left:?}"
    );
    // Killed before the commit: meta.json as before, the new files still there.
    std::fs::write(gen_dir.join("meta.json"), meta_before).expect("restores meta.json");

    let index = EmbeddedIndex::open(dir.path()).expect("starts again");
    assert_eq!(index.checkpoint().await.expect("reads"), Some(1));
    index
        .apply(&[], &[corpus[0].id], Some(2))
        .await
        .expect("the same delete is written again after the restart");
    assert_eq!(index.count().await.expect("counts"), 2);
    assert_eq!(index.checkpoint().await.expect("reads"), Some(2));
}
