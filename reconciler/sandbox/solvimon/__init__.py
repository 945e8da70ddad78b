"""Solvimon's integrations API in the sandbox: ``/v1/integrations…`` beside RevCent's ``/v2/``."""
