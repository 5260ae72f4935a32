"""The CRM's pages: each model registered with stark, one handler module per model or flow."""

from stark.sites import site
from web.handlers.consultrecord import ConsultRecordHandler
from web.handlers.customer import AllCustomerHandler, PrivateCustomerHandler, PublicCustomerHandler
from web.models import ConsultRecord, Customer

# --- Customers and follow-ups (issue 6) ---------------------------------------------------
site.register(Customer, PublicCustomerHandler, prefix="pub")
site.register(Customer, PrivateCustomerHandler, prefix="priv")
site.register(Customer, AllCustomerHandler, prefix="all")
site.register(ConsultRecord, ConsultRecordHandler)
# --- end of customers ---------------------------------------------------------------------
