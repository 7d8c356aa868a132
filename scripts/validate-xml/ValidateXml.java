// Validates an XML file against an XML Schema with the JDK's own validator (javax.xml.validation), the one Maven
// Surefire's and Jenkins's Java tooling run on. Usage: java ValidateXml.java <schema.xsd> <file.xml>
// Exit 0 when valid; 1 with the first error (line, column, message) otherwise.
import java.io.File;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.xml.sax.SAXParseException;

public class ValidateXml {
  public static void main(String[] args) throws Exception {
    var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(new File(args[0]));
    try {
      schema.newValidator().validate(new StreamSource(new File(args[1])));
      System.out.println("valid");
    } catch (SAXParseException error) {
      System.out.println("invalid at " + error.getLineNumber() + ":" + error.getColumnNumber() + ": " + error.getMessage());
      System.exit(1);
    }
  }
}
