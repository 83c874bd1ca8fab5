// A minimal SPARQL 1.1 Protocol server over Apache Jena ARQ, for sovgraph's engine-parity tests.
//
// This is ARQ, the query engine of Jena Fuseki, behind a few lines of HTTP: it is NOT Fuseki (Fuseki is not
// packaged by Debian). It answers what sovgraph's remote backend and `sovgraph push` send:
//
//   POST /sparql   query=...&default-graph-uri=...&named-graph-uri=...   (form-encoded; GET works too)
//                  SELECT/ASK -> application/sparql-results+json; CONSTRUCT/DESCRIBE -> text/turtle
//   PUT  /store?graph=IRI   a Turtle body replaces that named graph (Graph Store HTTP Protocol)
//   DELETE /store?graph=IRI removes it
//
// The dataset named by default-graph-uri / named-graph-uri is built as Fuseki builds it, with Jena's
// DynamicDatasets (several default graphs are read as one union graph). Queries are parsed as strict
// SPARQL 1.1 (not Jena's extended syntax), so a query that only Jena accepts fails here.
//
// Run with the source launcher (JDK 11+), the Jena jars on the class path, and the port as argument:
//   java -cp JARS ArqServer.java 127.0.0.1 PORT
// It prints "ready Jena VERSION" on standard output once it listens. Requests are served one at a time.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.query.Syntax;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;
import org.apache.jena.sparql.core.DynamicDatasets;
import org.apache.jena.sparql.graph.GraphFactory;

public class ArqServer {
    private final DatasetGraph data = DatasetGraphFactory.create();

    public static void main(String[] args) throws IOException {
        ArqServer server = new ArqServer();
        HttpServer http = HttpServer.create(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 16);
        http.createContext("/sparql", server::query);
        http.createContext("/store", server::store);
        http.start();
        System.out.println("ready Jena " + org.apache.jena.Jena.VERSION);
        System.out.flush();
    }

    private static List<String[]> form(String text) {
        List<String[]> pairs = new ArrayList<>();
        if (text == null || text.isEmpty()) return pairs;
        for (String part : text.split("&")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(new String[] {
                URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8)
            });
        }
        return pairs;
    }

    private static void answer(HttpExchange exchange, int status, String media, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", media);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void fail(HttpExchange exchange, int status, Throwable error) throws IOException {
        StringWriter text = new StringWriter();
        text.write(String.valueOf(error.getMessage()));
        if (status >= 500) error.printStackTrace(new PrintWriter(text));
        answer(exchange, status, "text/plain; charset=utf-8", text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private synchronized void query(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String text = null;
            List<Node> defaults = new ArrayList<>();
            List<Node> named = new ArrayList<>();
            List<String[]> params = form(exchange.getRequestURI().getRawQuery());
            params.addAll(form(body));
            for (String[] pair : params) {
                switch (pair[0]) {
                    case "query": text = pair[1]; break;
                    case "default-graph-uri": defaults.add(NodeFactory.createURI(pair[1])); break;
                    case "named-graph-uri": named.add(NodeFactory.createURI(pair[1])); break;
                    default: break;
                }
            }
            if (text == null) {
                answer(exchange, 400, "text/plain", "no query".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Query query;
            try {
                query = QueryFactory.create(text, Syntax.syntaxSPARQL_11);
            } catch (RuntimeException error) {
                fail(exchange, 400, error);
                return;
            }
            DatasetGraph dsg = data;
            if (!defaults.isEmpty() || !named.isEmpty()) {
                dsg = DynamicDatasets.dynamicDataset(defaults, named, data, false);
            }
            Dataset dataset = DatasetFactory.wrap(dsg);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String media;
            try (QueryExecution execution = QueryExecutionFactory.create(query, dataset)) {
                if (query.isSelectType()) {
                    ResultSetFormatter.outputAsJSON(out, execution.execSelect());
                    media = "application/sparql-results+json";
                } else if (query.isAskType()) {
                    ResultSetFormatter.outputAsJSON(out, execution.execAsk());
                    media = "application/sparql-results+json";
                } else {
                    Model model = query.isConstructType() ? execution.execConstruct() : execution.execDescribe();
                    RDFDataMgr.write(out, model, Lang.TURTLE);
                    media = "text/turtle";
                }
            } catch (RuntimeException error) {
                fail(exchange, 500, error);
                return;
            }
            answer(exchange, 200, media, out.toByteArray());
        }
    }

    private synchronized void store(HttpExchange exchange) throws IOException {
        try (exchange) {
            String graph = null;
            for (String[] pair : form(exchange.getRequestURI().getRawQuery())) {
                if (pair[0].equals("graph")) graph = pair[1];
            }
            String method = exchange.getRequestMethod();
            if (graph == null) {
                answer(exchange, 400, "text/plain", "a graph=IRI parameter is required".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Node name = NodeFactory.createURI(graph);
            if (method.equals("HEAD")) {
                answer(exchange, 200, "text/plain", new byte[0]);
            } else if (method.equals("DELETE")) {
                data.removeGraph(name);
                answer(exchange, 204, "text/plain", new byte[0]);
            } else if (method.equals("PUT")) {
                Graph parsed = GraphFactory.createDefaultGraph();
                try (InputStream in = exchange.getRequestBody()) {
                    RDFParser.source(in).lang(Lang.TURTLE).base(graph).parse(parsed);
                } catch (RuntimeException error) {
                    fail(exchange, 400, error);
                    return;
                }
                data.removeGraph(name);
                data.addGraph(name, parsed);
                answer(exchange, 204, "text/plain", new byte[0]);
            } else {
                answer(exchange, 405, "text/plain", new byte[0]);
            }
        }
    }
}
