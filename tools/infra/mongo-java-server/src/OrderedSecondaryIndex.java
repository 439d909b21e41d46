import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;

/**
 * A non-unique index kept in memory: key values in BSON order, each with the positions of the
 * documents that have them, so a filter fixing a prefix of the keys reads one key range. In the
 * H2 backend a document's position is its _id, which is how a removed document is found.
 * Not persisted: mongo-java-server refills an empty index from the collection when it opens.
 */
final class OrderedSecondaryIndex extends Index<Object> {
  private static final Comparator<List<Object>> KEY_ORDER = OrderedSecondaryIndex::compareKeys;

  private final ConcurrentSkipListMap<List<Object>, Set<Object>> positionsByKey = new ConcurrentSkipListMap<>(KEY_ORDER);
  private final AtomicLong entries = new AtomicLong();
  private final List<IndexKey> indexKeys;

  OrderedSecondaryIndex(String name, List<IndexKey> keys, boolean sparse) {
    super(name, keys, sparse);
    this.indexKeys = List.copyOf(keys);
  }

  @Override
  public boolean canHandle(Document query) {
    return !QueryEqualities.fixedPrefix(query, keys()).isEmpty();
  }

  @Override
  public Iterable<Object> getPositions(Document query) {
    List<Object> prefix = QueryEqualities.fixedPrefix(query, keys());
    List<Object> upperBound = new ArrayList<>(prefix);
    upperBound.add(MaxKey.getInstance());
    KeyOrderedPositions positions = new KeyOrderedPositions(indexKeys.subList(prefix.size(), indexKeys.size()));
    positionsByKey.subMap(prefix, true, upperBound, false).values().forEach(positions::addAll);
    return positions;
  }

  @Override
  public synchronized void add(Document document, Object position, MongoCollection<Object> collection) {
    addEntries(keysOf(document), position);
  }

  @Override
  public synchronized Object remove(Document document) {
    Object position = Utils.getSubdocumentValue(document, "_id");
    removeEntries(keysOf(document), position);
    return position;
  }

  @Override
  public synchronized void updateInPlace(Document oldDocument, Document newDocument, Object position, MongoCollection<Object> collection) {
    List<List<Object>> oldKeys = keysOf(oldDocument);
    List<List<Object>> newKeys = keysOf(newDocument);
    if (oldKeys.equals(newKeys)) return;
    removeEntries(oldKeys, position);
    addEntries(newKeys, position);
  }

  private void addEntries(List<List<Object>> keys, Object position) {
    for (List<Object> key : keys) {
      if (positionsByKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(position)) entries.incrementAndGet();
    }
  }

  private void removeEntries(List<List<Object>> keys, Object position) {
    for (List<Object> key : keys) {
      Set<Object> positions = positionsByKey.get(key);
      if (positions != null && positions.remove(position)) {
        entries.decrementAndGet();
        if (positions.isEmpty()) positionsByKey.remove(key);
      }
    }
  }

  /** The index entries of a document: one per element when a key holds an array; none when sparse and absent. */
  private List<List<Object>> keysOf(Document document) {
    List<List<Object>> keys = new ArrayList<>();
    for (KeyValue keyValue : getKeyValues(document)) {
      List<Object> key = new ArrayList<>(keyValue.size());
      keyValue.forEach(value -> key.add(Missing.isNullOrMissing(value) ? null : value));
      if (isSparse() && key.stream().allMatch(value -> value == null)) continue;
      keys.add(key);
    }
    return keys;
  }

  /** Element-wise BSON order; a key sorts before the longer keys it is a prefix of. */
  private static int compareKeys(List<Object> left, List<Object> right) {
    int common = Math.min(left.size(), right.size());
    for (int i = 0; i < common; i++) {
      int order = ValueComparator.ascWithoutListHandling().compare(left.get(i), right.get(i));
      if (order != 0) return order;
    }
    return Integer.compare(left.size(), right.size());
  }

  @Override
  public Object getPosition(Document document) {
    return null;
  }

  @Override
  public void checkAdd(Document document, MongoCollection<Object> collection) {
    // Not unique: every document is accepted.
  }

  @Override
  public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
    // Not unique: every update is accepted.
  }

  @Override
  public long getCount() {
    return entries.get();
  }

  @Override
  public long getDataSize() {
    return 0;
  }

  @Override
  public synchronized void drop() {
    positionsByKey.clear();
    entries.set(0);
  }
}
