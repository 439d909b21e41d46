import de.bwaldvogel.mongo.MongoServer;

/**
 * Serves the MongoDB wire protocol on 127.0.0.1:&lt;port&gt;, storing data in an H2 MVStore file.
 * Usage: java MongoWireServer &lt;port&gt; &lt;data file&gt;
 */
public final class MongoWireServer {
  public static void main(String[] args) throws InterruptedException {
    MongoServer server = new MongoServer(new IndexedH2Backend(args[1]));
    server.bind("127.0.0.1", Integer.parseInt(args[0]));
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
    Thread.currentThread().join();
  }
}
