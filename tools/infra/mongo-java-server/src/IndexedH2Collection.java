import java.util.stream.Stream;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import org.h2.mvstore.MVMap;

/**
 * Stock mongo-java-server reads every document an index returns and sorts them all before it
 * applies a limit, so a page of a large match reads the whole match. When the index already yields
 * the positions in the sort's order (a filter fixing a prefix of its keys, sorted by the keys after
 * it, as keyset pagination is), the documents are streamed unsorted and reading stops at the limit,
 * as MongoDB's index scan does.
 */
final class IndexedH2Collection extends H2Collection {
  IndexedH2Collection(MongoDatabase database, String collectionName, CollectionOptions options, MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
    super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
  }

  /**
   * A copy of the stored document. Stock updates a stored document in place, while an earlier
   * reply may still be encoding that same object on another connection's thread: the encoder then
   * fails (ConcurrentModificationException) and the server drops that connection. With copies, an
   * update changes a copy and stores it in the document's place, and nothing a reply holds changes.
   */
  @Override
  protected Document getDocument(Object position) {
    Document stored = super.getDocument(position);
    return stored == null ? null : stored.cloneDeeply();
  }

  @Override
  protected QueryResult matchDocuments(Document query, Iterable<Object> positions, Document orderBy, int numberToSkip, int limit, int batchSize, Document fieldSelector) {
    if (!(positions instanceof KeyOrderedPositions ordered) || !ordered.alreadySortedBy(orderBy)) {
      return super.matchDocuments(query, positions, orderBy, numberToSkip, limit, batchSize, fieldSelector);
    }
    Stream<Document> documents = ordered.stream().map(this::getDocument);
    return matchDocumentsFromStream(query, documents, numberToSkip, limit, batchSize, null, fieldSelector);
  }
}
