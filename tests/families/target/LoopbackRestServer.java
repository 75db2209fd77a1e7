import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServer;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * Iceberg's REST catalog fixture (RESTCatalogServer) served on 127.0.0.1 only.
 *
 * <p>RESTCatalogServer binds its Jetty server to every interface and has no setting for the
 * address. This launcher builds the same backend catalog (its CATALOG_* environment, by the
 * server's own initializeBackendCatalog) and the same servlet, adapter and gzip handler, on
 * a connector bound to 127.0.0.1 at the port REST_PORT names. Run from source: java -cp
 * 'lib/*' LoopbackRestServer.java.
 */
public final class LoopbackRestServer {
  private LoopbackRestServer() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv().getOrDefault("REST_PORT", "8181"));
    Constructor<RESTCatalogServer> make = RESTCatalogServer.class.getDeclaredConstructor();
    make.setAccessible(true);
    RESTCatalogServer fixture = make.newInstance();
    Method backend = RESTCatalogServer.class.getDeclaredMethod("initializeBackendCatalog");
    backend.setAccessible(true);
    Object context = backend.invoke(fixture);
    Class<?> adapterClass = Class.forName("org.apache.iceberg.rest.RESTServerCatalogAdapter");
    Constructor<?> makeAdapter = adapterClass.getDeclaredConstructor(context.getClass());
    makeAdapter.setAccessible(true);
    RESTCatalogAdapter adapter = (RESTCatalogAdapter) makeAdapter.newInstance(context);

    ServletContextHandler handler = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    handler.addServlet(new ServletHolder(new RESTCatalogServlet(adapter)), "/*");
    handler.insertHandler(new GzipHandler());
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(handler);
    server.start();
    server.join();
  }
}
