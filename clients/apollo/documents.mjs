// Operations the suite sends, written as a front end would.
import { gql } from "@apollo/client";

export const INVOICE_FIELDS = gql`
  fragment InvoiceFields on Invoice {
    id
    contractId
    state
    description
    grossValue
    issueDate
    createdAt
    receivables { id dueDate grossValue value }
    services { id units unitValue value }
    attachments { id filename url }
    paymentInformation { id paymentMethod }
  }
`;

export const CREATE_INVOICE = gql`
  mutation CreateInvoice($input: CreateInvoiceInput!) {
    createInvoice(input: $input) {
      invoice { ...InvoiceFields }
      userErrors { field message code }
    }
  }
  ${INVOICE_FIELDS}
`;

export const GET_INVOICE = gql`
  query GetInvoice($contractId: ID!, $id: ID!) {
    invoice(contractId: $contractId, id: $id) { ...InvoiceFields }
  }
  ${INVOICE_FIELDS}
`;

export const INVOICE_SUMMARY = gql`
  query InvoiceSummary($contractId: ID!, $id: ID!) {
    invoice(contractId: $contractId, id: $id) { id grossValue }
  }
`;
